namespace Suite.Contracts;

/// <summary>
/// What a client asked the model to continue: prompt text, chat messages, or prompt token IDs (exactly one is set).
/// </summary>
public sealed record GenerationInput(
    string? Prompt,
    IReadOnlyList<ChatMessage>? Messages,
    bool AddGenerationPrompt = true,
    bool AddSpecialTokens = true,
    int[]? PromptTokens = null);
