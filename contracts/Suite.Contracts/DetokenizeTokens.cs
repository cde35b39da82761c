namespace Suite.Contracts;

/// <summary>Request to the tokenizer (answered with <see cref="TokensDetokenized"/> or <see cref="PipelineError"/>).</summary>
public sealed record DetokenizeTokens(string Model, int[] Tokens, bool SkipSpecialTokens = false);
