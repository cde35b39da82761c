namespace Suite.Tokenizer.Core.Normalization;

/// <summary>A Hugging Face <c>normalizer</c>: rewrites each piece of text between added tokens before pre-tokenization.</summary>
public interface ITextNormalizer
{
    string Normalize(string text);
}
