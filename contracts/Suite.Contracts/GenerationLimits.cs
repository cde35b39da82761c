namespace Suite.Contracts;

/// <summary>
/// When to stop: a token budget and stop strings. <paramref name="MaxTokens"/> null: until the context is full, or, when
/// <paramref name="DefaultMaxTokens"/> is set (the gateway's configured cap for requests that name no budget), at most
/// that many tokens; the tokenizer resolves it against the prompt's length and the context.
/// </summary>
public sealed record GenerationLimits(int? MaxTokens, IReadOnlyList<string> Stop, bool IgnoreEos = false, int? DefaultMaxTokens = null);
