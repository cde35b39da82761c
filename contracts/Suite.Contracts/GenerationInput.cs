namespace Suite.Contracts;

/// <summary>
/// What a client asked the model to continue: prompt text, chat messages, or prompt token IDs (exactly one is set).
/// <paramref name="Tools"/> are the tools a chat template renders into the prompt.
/// </summary>
public sealed record GenerationInput(
    string? Prompt,
    IReadOnlyList<ChatMessage>? Messages,
    bool AddGenerationPrompt = true,
    bool AddSpecialTokens = true,
    int[]? PromptTokens = null,
    IReadOnlyList<ToolDefinition>? Tools = null);
