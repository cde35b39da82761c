namespace Suite.Contracts;

/// <summary>When to stop: a token budget (null = until the context is full) and stop strings.</summary>
public sealed record GenerationLimits(int? MaxTokens, IReadOnlyList<string> Stop, bool IgnoreEos = false);
