using System.Text;
using Suite.Tokenizer.Core;

namespace Suite.Tokenizer.Tests;

/// <summary>Streaming detokenization never emits a broken character.</summary>
public sealed class IncrementalDetokenizerTests
{
    [Fact]
    public void HoldsBackBytesUntilTheCharacterIsComplete()
    {
        // One token per byte: "a", then the four bytes of 😀 (F0 9F 98 80), then the three of 你 (E4 BD A0), then a special.
        var source = new ByteTokens([[(byte)'a'], [0xF0], [0x9F], [0x98], [0x80], [0xE4], [0xBD], [0xA0], "<eos>"u8.ToArray()], special: 8);
        var detokenizer = new IncrementalDetokenizer(source, skipSpecialTokens: true);
        Assert.Equal("a", detokenizer.Push(0));
        Assert.Equal(string.Empty, detokenizer.Push(1));
        Assert.Equal(string.Empty, detokenizer.Push(2));
        Assert.Equal(string.Empty, detokenizer.Push(3));
        Assert.Equal("😀", detokenizer.Push(4));
        Assert.Equal(string.Empty, detokenizer.Push([5, 6]));
        Assert.Equal("你", detokenizer.Push([7, 8]));
        Assert.Equal(string.Empty, detokenizer.Flush());

        var keep = new IncrementalDetokenizer(source, skipSpecialTokens: false);
        Assert.Equal("a😀你<eos>", keep.Push([0, 1, 2, 3, 4, 5, 6, 7, 8]));
    }

    [Fact]
    public void FlushTurnsAnUnfinishedCharacterIntoReplacement()
    {
        var source = new ByteTokens([[0xF0], [0x9F]], special: -1);
        var detokenizer = new IncrementalDetokenizer(source, skipSpecialTokens: false);
        Assert.Equal(string.Empty, detokenizer.Push([0, 1]));
        Assert.Equal("\uFFFD", detokenizer.Flush());
    }

    [Fact]
    public void StreamingTheRealTokenizerGivesTheTextBackWithoutBrokenCharacters()
    {
        var tokenizer = Families.Tokenizer("deepseek_v3");
        const string text = "Emoji 👨‍👩‍👧‍👦🇯🇵🫠 and CJK 龘靐齉爩 𠀀𠀁 and math 𝐀𝐁 — done.<｜end▁of▁sentence｜>";
        var ids = tokenizer.Encode(text, addSpecialTokens: false);
        var split = ids.Count(id => !IsValidUtf8(tokenizer.GetTokenBytes(id)));
        Assert.True(split > 0, "the sample should contain tokens that split a character");

        var detokenizer = new IncrementalDetokenizer(tokenizer, skipSpecialTokens: false);
        var streamed = new StringBuilder();
        foreach (var id in ids)
        {
            var piece = detokenizer.Push(id);
            Assert.DoesNotContain('\uFFFD', piece);
            Assert.False(piece.Length > 0 && char.IsHighSurrogate(piece[^1]), "a piece ends in half a surrogate pair");
            streamed.Append(piece);
        }

        streamed.Append(detokenizer.Flush());
        Assert.Equal(text, streamed.ToString());

        var skipping = new IncrementalDetokenizer(tokenizer, skipSpecialTokens: true);
        Assert.Equal(text.Replace("<｜end▁of▁sentence｜>", string.Empty), skipping.Push(ids) + skipping.Flush());
    }

    private static bool IsValidUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    private sealed class ByteTokens : ITokenByteSource
    {
        private readonly byte[][] _tokens;
        private readonly int _special;

        public ByteTokens(byte[][] tokens, int special)
        {
            _tokens = tokens;
            _special = special;
        }

        public ReadOnlySpan<byte> GetTokenBytes(int tokenId) => _tokens[tokenId];

        public bool IsSpecial(int tokenId) => tokenId == _special;
    }
}
