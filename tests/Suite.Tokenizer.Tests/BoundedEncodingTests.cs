using System.Diagnostics;
using System.Text;
using Suite.Tokenizer.Core;

namespace Suite.Tokenizer.Tests;

/// <summary>Encoding with a token limit stops as soon as the text is known not to fit, and agrees with full encoding otherwise.</summary>
public sealed class BoundedEncodingTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(Families.Names), MemberType = typeof(Families))]
    public void Encode_WithALimit_GivesTheFullEncodingWhenItFitsAndStopsJustPastTheLimitWhenNot(string family)
    {
        var tokenizer = Families.Tokenizer(family);
        foreach (var text in ReferenceData.Texts.Take(400))
        {
            var full = tokenizer.Encode(text, addSpecialTokens: true);
            var fits = tokenizer.Encode(text, addSpecialTokens: true, maxTokens: full.Length);
            Assert.True(fits.Complete);
            Assert.Equal(full, fits.Tokens);
            if (full.Length > 1)
            {
                var limit = full.Length / 2;
                var cut = tokenizer.Encode(text, addSpecialTokens: true, maxTokens: limit);
                Assert.False(cut.Complete);

                // What was encoded before stopping is the start of the full encoding: no more work than that.
                Assert.True(cut.Tokens.Length <= full.Length, TextEscaping.Escape(text));
                Assert.Equal(full.AsSpan(0, Math.Min(cut.Tokens.Length, limit)).ToArray(), cut.Tokens.Take(limit).ToArray());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Families.Names), MemberType = typeof(Families))]
    public void Encode_TwentyMegabyteSingleWordOverTheLimit_IsRefusedWithoutMergingIt(string family)
    {
        // One "word" of 20 MB: no pre-tokenizer splits it, so merging it would be one O(n log n) BPE over 20M symbols.
        // Its length alone shows it cannot fit in 4,095 tokens, so nothing of it is merged.
        var tokenizer = Families.Tokenizer(family);
        var word = new string('q', 20_000_000);
        var watch = Stopwatch.StartNew();
        var result = tokenizer.Encode(word, addSpecialTokens: false, maxTokens: 4095);
        output.WriteLine($"{family}: refused in {watch.Elapsed.TotalMilliseconds:F0} ms after {result.Tokens.Length} tokens");
        Assert.False(result.Complete);
        Assert.Empty(result.Tokens);
    }

    [Fact]
    public void Encode_ManyShortWordsOverTheLimit_StopsSplittingOnceTheLimitIsPassed()
    {
        var tokenizer = Families.Tokenizer("deepseek_v3");
        var text = new StringBuilder().Insert(0, "lorem ipsum dolor ", 1_000_000).ToString();
        var result = tokenizer.Encode(text, addSpecialTokens: true, maxTokens: 4095);
        Assert.False(result.Complete);
        Assert.InRange(result.Tokens.Length, 4000, 4200);
    }

    [Fact]
    public void Encode_AddedTokensCountTowardTheLimit()
    {
        var tokenizer = Families.Tokenizer("qwen3");
        var text = string.Concat(Enumerable.Repeat("<|im_start|>", 100));
        Assert.False(tokenizer.Encode(text, addSpecialTokens: false, maxTokens: 10).Complete);
        Assert.True(tokenizer.Encode(text, addSpecialTokens: false, maxTokens: 100).Complete);
    }
}
