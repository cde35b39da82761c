using System.Collections.Concurrent;
using Suite.Tokenizer.Core.Bpe;
using Suite.Tokenizer.Core.Loading;

namespace Suite.Tokenizer.Tests;

/// <summary>The model families the suite claims, and their C# tokenizers loaded from the official tokenizer.json (once per run).</summary>
internal static class Families
{
    public static readonly string[] All = ["deepseek_v3", "qwen3", "llama3", "llama3_1", "llama2", "gemma3"];

    /// <summary>The families whose tokenizer_config.json ships a chat template (Llama 2's package has none).</summary>
    public static readonly string[] WithChatTemplate = ["deepseek_v3", "qwen3", "llama3", "llama3_1", "gemma3"];

    private static readonly ConcurrentDictionary<string, Lazy<BpeTokenizer>> _tokenizers = new(StringComparer.Ordinal);

    public static TheoryData<string> Names => new(All);

    public static TheoryData<string> Templated => new(WithChatTemplate);

    public static BpeTokenizer Tokenizer(string family)
    {
        ReferenceEnvironment.RequireReference();
        return _tokenizers.GetOrAdd(family, f => new Lazy<BpeTokenizer>(() => TokenizerLoader.FromTokenizerJson(ReferenceEnvironment.TokenizerJson(f)))).Value;
    }
}
