namespace Suite.Contracts;

/// <summary>What a client asked the model to continue: raw prompt text or chat messages (exactly one is set).</summary>
public sealed record GenerationInput(
    string? Prompt,
    IReadOnlyList<ChatMessage>? Messages,
    bool AddGenerationPrompt = true,
    bool AddSpecialTokens = true);
