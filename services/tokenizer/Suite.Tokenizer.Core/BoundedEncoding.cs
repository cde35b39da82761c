namespace Suite.Tokenizer.Core;

/// <summary>
/// The result of encoding with a token limit. <paramref name="Complete"/> is false when the text was found to give
/// more than the limit; then encoding stopped there and <paramref name="Tokens"/> holds only what was encoded so far.
/// </summary>
public readonly record struct BoundedEncoding(int[] Tokens, bool Complete);
