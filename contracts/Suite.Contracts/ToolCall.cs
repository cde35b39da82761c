namespace Suite.Contracts;

/// <summary>A tool call made by the assistant: OpenAI's <c>tool_calls[]</c> item (<c>type</c> is "function").</summary>
public sealed record ToolCall(string Id, string Type, ToolCallFunction Function);
