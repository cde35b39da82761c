namespace Suite.Tokenizer.Core;

/// <summary>
/// A model's tokenizer. <see cref="Encode"/> follows Hugging Face semantics: added/special token strings that appear
/// in the text are matched as those tokens; <paramref name="addSpecialTokens"/> adds what the model's post-processor
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

    string Decode(ReadOnlySpan<int> tokens, bool skipSpecialTokens);
}
