namespace Suite.Tokenizer.Core;

/// <summary>
/// A model's tokenizer. <see cref="Encode(string, bool)"/> follows Hugging Face semantics: added/special token strings
/// that appear in the text are matched as those tokens; <c>addSpecialTokens</c> adds what the model's post-processor
/// adds (for example BOS).
/// </summary>
public interface ITextTokenizer
{
    /// <summary>A short name, e.g. "bpe(deepseek-v3)" or "llama.cpp vocab".</summary>
    string Name { get; }

    int VocabularySize { get; }

    /// <summary>The chat template, or null when the model has none.</summary>
    IChatTemplate? ChatTemplate { get; }

    int[] Encode(string text, bool addSpecialTokens);

    /// <summary>
    /// Encodes, but stops as soon as the text is known to give more than <paramref name="maxTokens"/> tokens, so the
    /// work spent on a prompt that cannot fit stays bounded whatever its size.
    /// </summary>
    BoundedEncoding Encode(string text, bool addSpecialTokens, int maxTokens);

    string Decode(ReadOnlySpan<int> tokens, bool skipSpecialTokens);
}
