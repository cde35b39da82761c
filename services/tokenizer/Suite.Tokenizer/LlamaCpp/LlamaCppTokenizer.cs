using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using Suite.Models.Gguf;
using Suite.Tokenizer.Core;
using Suite.Tokenizer.Core.Loading;
using Suite.Tokenizer.Core.Templates;

namespace Suite.Tokenizer.LlamaCpp;

/// <summary>
/// The universal fallback: llama.cpp's own tokenizer over a vocabulary-only load of the GGUF. Exact for anything
/// llama.cpp can serve (pre-tokenizers and vocabulary types the C# tokenizer lacks), slower than the C# one. The chat
/// template is the GGUF's own, executed by the suite's Jinja interpreter like any other.
/// </summary>
public sealed class LlamaCppTokenizer : ITextTokenizer, IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly Lock _lock = new();

    private LlamaCppTokenizer(LLamaWeights weights, IChatTemplate? chatTemplate)
    {
        _weights = weights;
        ChatTemplate = chatTemplate;
    }

    public string Name => "llama.cpp vocab";

    public int VocabularySize => _weights.Vocab.Count;

    public IChatTemplate? ChatTemplate { get; }

    /// <exception cref="ChatTemplateNotSupportedException">The GGUF's chat template uses a construct the interpreter lacks.</exception>
    public static LlamaCppTokenizer Load(string ggufPath, GgufFile metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var tokens = metadata.GetArray<string>("tokenizer.ggml.tokens") ?? [];
        var template = ChatTemplateFactory.Create(TokenizerLoader.GgufChatTemplateSource(metadata, tokens));
        var parameters = new ModelParams(ggufPath) { VocabOnly = true, GpuLayerCount = 0 };
        return new LlamaCppTokenizer(LLamaWeights.LoadFromFile(parameters), template);
    }

    public int[] Encode(string text, bool addSpecialTokens)
    {
        LLamaToken[] tokens;
        lock (_lock)
        {
            tokens = _weights.Tokenize(text, addSpecialTokens && _weights.Vocab.ShouldAddBOS, special: true, Encoding.UTF8);
        }

        var ids = new int[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
        {
            ids[i] = (int)tokens[i];
        }

        return ids;
    }

    /// <summary>llama.cpp tokenizes in one call, so the limit is checked afterwards; large inputs go through the large lane.</summary>
    public BoundedEncoding Encode(string text, bool addSpecialTokens, int maxTokens)
    {
        var ids = Encode(text, addSpecialTokens);
        return new BoundedEncoding(ids, ids.Length <= maxTokens);
    }

    public string Decode(ReadOnlySpan<int> tokens, bool skipSpecialTokens)
    {
        lock (_lock)
        {
            var decoder = new StreamingTokenDecoder(Encoding.UTF8, _weights) { DecodeSpecialTokens = !skipSpecialTokens };
            foreach (var token in tokens)
            {
                decoder.Add(token);
            }

            return decoder.Read();
        }
    }

    public void Dispose() => _weights.Dispose();
}
