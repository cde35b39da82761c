namespace Suite.Contracts;

/// <summary>The text of a token sequence.</summary>
public sealed record TokensDetokenized(string Text);
