namespace Suite.Tokenizer.Core.Normalization;

/// <summary>Hugging Face <c>Prepend</c>: puts <see cref="Prefix"/> before a non-empty piece (Llama 2's "▁").</summary>
public sealed class PrependNormalizer(string prefix) : ITextNormalizer
{
    public string Prefix { get; } = prefix;

    public string Normalize(string text) => text.Length == 0 ? text : Prefix + text;
}
