namespace Suite.Tokenizer.Core.Normalization;

/// <summary>Hugging Face <c>Sequence</c>: each normalizer in turn.</summary>
public sealed class SequenceNormalizer(IReadOnlyList<ITextNormalizer> steps) : ITextNormalizer
{
    public IReadOnlyList<ITextNormalizer> Steps { get; } = steps;

    public string Normalize(string text)
    {
        foreach (var step in Steps)
        {
            text = step.Normalize(text);
        }

        return text;
    }
}
