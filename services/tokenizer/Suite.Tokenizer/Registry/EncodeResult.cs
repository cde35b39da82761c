using Suite.Contracts;

namespace Suite.Tokenizer.Registry;

/// <summary>Prompt tokens, or the error a client gets instead.</summary>
public sealed record EncodeResult(int[] Tokens, int MaxModelLength, string? RenderedPrompt, PipelineError? Error)
{
    public static EncodeResult Fail(PipelineError error) => new([], 0, null, error);
}
