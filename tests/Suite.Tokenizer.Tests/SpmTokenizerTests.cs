using Suite.Models.Gguf;
using Suite.Tokenizer.Core;
using Suite.Tokenizer.Core.Loading;
using Suite.Tokenizer.Core.Spm;

namespace Suite.Tokenizer.Tests;

/// <summary>GGUF <c>tokenizer.ggml.model = llama</c>: llama.cpp's SentencePiece-style merging, byte fallback, specials.</summary>
public sealed class SpmTokenizerTests
{
    private static readonly (string Text, float Score)[] _pieces =
    [
        ("▁", -1), ("h", -3), ("e", -3), ("l", -3), ("o", -3), ("w", -3), ("r", -3), ("d", -3),
        ("ll", -1), ("he", -2), ("hell", -3), ("hello", -4), ("▁h", -5), ("▁hello", -6),
        ("▁w", -7), ("or", -8), ("ld", -9), ("▁wor", -10), ("▁world", -11),
    ];

    [Fact]
    public void MergesHighestScoreFirstAndFallsBackToBytes()
    {
        var tokenizer = Build();
        var hello = Id("▁hello");
        var world = Id("▁world");
        Assert.Equal([1, hello, world], tokenizer.Encode("hello world", addSpecialTokens: true));
        Assert.Equal([hello, world], tokenizer.Encode("hello world", addSpecialTokens: false));

        // "€" is not a piece: its three UTF-8 bytes become <0xE2><0x82><0xAC>.
        Assert.Equal([Id("▁"), 3 + 0xE2, 3 + 0x82, 3 + 0xAC], tokenizer.Encode("€", false));
        Assert.Equal("€ hello", tokenizer.Decode(tokenizer.Encode("€ hello", true), skipSpecialTokens: true));

        // After a special token the text gets the space prefix again.
        Assert.Equal([hello, 2, hello], tokenizer.Encode("hello</s>hello", false));
        Assert.Equal("hello</s> hello", tokenizer.Decode([hello, 2, hello], skipSpecialTokens: false));
        Assert.Empty(tokenizer.Encode(string.Empty, false));
    }

    [Fact]
    public void StreamsThroughTheIncrementalDetokenizer()
    {
        var tokenizer = Build();
        var detokenizer = new IncrementalDetokenizer(tokenizer, skipSpecialTokens: true);
        var ids = tokenizer.Encode("€ hello", true);
        var text = string.Concat(ids.Select(id => detokenizer.Push(id))) + detokenizer.Flush();

        // The streamed text keeps the prefix space SentencePiece put in front; Decode drops it.
        Assert.Equal(" € hello", text);
    }

    private static SpmTokenizer Build()
    {
        var tokens = new List<string> { "<unk>", "<s>", "</s>" };
        var types = new List<int> { 2, 3, 3 };
        var scores = new List<float> { 0, 0, 0 };
        for (var b = 0; b < 256; b++)
        {
            tokens.Add($"<0x{b:X2}>");
            types.Add(6);
            scores.Add(0);
        }

        foreach (var (text, score) in _pieces)
        {
            tokens.Add(text);
            types.Add(1);
            scores.Add(score);
        }

        var metadata = new Dictionary<string, object>
        {
            ["tokenizer.ggml.model"] = "llama",
            ["tokenizer.ggml.tokens"] = tokens.ToArray(),
            ["tokenizer.ggml.scores"] = scores.ToArray(),
            ["tokenizer.ggml.token_type"] = types.ToArray(),
            ["tokenizer.ggml.bos_token_id"] = 1L,
            ["tokenizer.ggml.eos_token_id"] = 2L,
        };
        var tokenizer = TokenizerLoader.FromGgufMetadata(new GgufFile(3, metadata, []));
        return Assert.IsType<SpmTokenizer>(tokenizer);
    }

    private static int Id(string piece) => 3 + 256 + Array.FindIndex(_pieces, p => p.Text == piece);
}
