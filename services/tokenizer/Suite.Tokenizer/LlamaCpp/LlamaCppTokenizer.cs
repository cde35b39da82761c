using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using Suite.Tokenizer.Core;

namespace Suite.Tokenizer.LlamaCpp;

/// <summary>
/// The universal fallback: llama.cpp's own tokenizer and template engine over a vocabulary-only load of the GGUF.
/// Exact for anything llama.cpp can serve (SentencePiece, WordPiece, pre-tokenizers the C# tokenizer lacks), slower
/// than the C# byte-level BPE, and its chat templates are llama.cpp's built-in approximations.
/// </summary>
public sealed class LlamaCppTokenizer : ITextTokenizer, IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly Lock _lock = new();

    private LlamaCppTokenizer(LLamaWeights weights, bool hasTemplate)
    {
        _weights = weights;
        ChatTemplate = hasTemplate ? new LlamaCppChatTemplate(weights, _lock) : null;
    }

    public string Name => "llama.cpp vocab";

    public int VocabularySize => _weights.Vocab.Count;

    public IChatTemplate? ChatTemplate { get; }

    public static LlamaCppTokenizer Load(string ggufPath, bool hasTemplate)
    {
        var parameters = new ModelParams(ggufPath) { VocabOnly = true, GpuLayerCount = 0 };
        return new LlamaCppTokenizer(LLamaWeights.LoadFromFile(parameters), hasTemplate);
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
