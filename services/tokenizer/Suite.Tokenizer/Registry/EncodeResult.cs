using Suite.Contracts;

namespace Suite.Tokenizer.Registry;

/// <summary>Prompt tokens, or the error a client gets instead.</summary>
public sealed record EncodeResult(int[] Tokens, int MaxModelLength, string? RenderedPrompt, TokenizerError? Error)
{
    public static EncodeResult Fail(TokenizerError error) => new([], 0, null, error);
}
