namespace Suite.Tokenizer.Core.Loading;

/// <summary>
/// The pre-tokenizer regexes llama.cpp uses for each <c>tokenizer.ggml.pre</c> name (llama-vocab.cpp), and GPT-2's
/// pattern that Hugging Face's ByteLevel pre-tokenizer applies when <c>use_regex</c> is true.
/// </summary>
public static class PreTokenizerPatterns
{
    public const string Gpt2 = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public const string Llama3 =
        @"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public const string Qwen2 =
        @"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public static readonly IReadOnlyList<string> DeepSeekV3 =
    [
        @"\p{N}{1,3}",
        "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+",
        "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
    ];

    /// <summary>
    /// The normalizer of the Hugging Face tokenizer a llama.cpp pre-tokenizer name stands for, as tokenizer.json JSON
    /// ("null" for none). llama.cpp normalizes nothing, but the Qwen family's tokenizer applies NFC, so a GGUF of it gets
    /// NFC here: the ids then are the ones the model was trained with.
    /// </summary>
    public static string NormalizerJsonFor(string? name) => name is "qwen2" or "deepseek-r1-qwen" ? "{\"type\":\"NFC\"}" : "null";

    /// <summary>The regexes (applied in sequence, Isolated) for a llama.cpp pre-tokenizer name.</summary>
    /// <exception cref="NotSupportedException">The name is missing or not one this suite knows.</exception>
    public static IReadOnlyList<string> ForLlamaCppName(string? name) => name switch
    {
        "gpt-2" or "phi-2" or "roberta-bpe" or "olmo" => [Gpt2],
        "llama3" or "llama-v3" or "llama-bpe" or "falcon3" or "pixtral" => [Llama3],
        "qwen2" or "deepseek-r1-qwen" or "megrez" => [Qwen2],
        "deepseek-v3" => DeepSeekV3,
        null or "" => throw new NotSupportedException(
            "The GGUF has no tokenizer.ggml.pre; llama.cpp would fall back to its 'default' pre-tokenizer, which this " +
            "tokenizer does not implement. Supported: gpt-2, llama-bpe (llama3), qwen2, deepseek-v3."),
        _ => throw new NotSupportedException(
            $"tokenizer.ggml.pre '{name}' is not supported. Supported: gpt-2, llama-bpe (llama3), qwen2, deepseek-v3."),
    };
}
