namespace Suite.Contracts;

/// <summary>
/// One turn of a conversation, as the OpenAI chat API names it. <paramref name="Content"/> is null for an assistant
/// turn that only calls tools; <paramref name="ToolCalls"/> are an assistant's calls, <paramref name="ToolCallId"/> the
/// call a <c>tool</c> message answers, <paramref name="ReasoningContent"/> a reasoning model's thinking (DeepSeek's field).
/// </summary>
public sealed record ChatMessage(
    string Role,
    string? Content,
    string? Name = null,
    IReadOnlyList<ToolCall>? ToolCalls = null,
    string? ToolCallId = null,
    string? ReasoningContent = null);
