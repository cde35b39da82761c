namespace Suite.Tokenizer.Core.Normalization;

/// <summary>Hugging Face <c>Replace</c> with a string pattern: every occurrence, left to right (" " → "▁").</summary>
public sealed class ReplaceNormalizer : ITextNormalizer
{
    public ReplaceNormalizer(string pattern, string content)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        Pattern = pattern;
        Content = content;
    }

    public string Pattern { get; }

    public string Content { get; }

    public string Normalize(string text) => text.Replace(Pattern, Content, StringComparison.Ordinal);
}
