using System.Diagnostics;
using System.Globalization;
using System.Text;
using Suite.Tokenizer.Core.Loading;

namespace Suite.Tokenizer.Tests;

/// <summary>Empty input, lone surrogates, huge and pathological inputs, load time.</summary>
public sealed class RobustnessTests
{
    private readonly ITestOutputHelper _output;

    public RobustnessTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void EmptyInputGivesNoTokens()
    {
        var tokenizer = SyntheticTokenizers.Qwen();
        Assert.Empty(tokenizer.Encode(string.Empty, addSpecialTokens: false));
        Assert.Equal(string.Empty, tokenizer.Decode([], skipSpecialTokens: false));
        Assert.Equal([1000], SyntheticTokenizers.Llama3().Encode(string.Empty, addSpecialTokens: true));
    }

    [Fact]
    public void LoneSurrogatesAreEncodedAsReplacementCharactersLikeTheReference()
    {
        // Hugging Face's bindings hand the Rust core UTF-8, where a lone surrogate is U+FFFD: [67, 2808, 68] both times.
        var tokenizer = Families.Tokenizer("deepseek_v3");
        Assert.Equal([67, 2808, 68], tokenizer.Encode("a\ud800b", false));
        Assert.Equal([67, 2808, 68], tokenizer.Encode("a\ufffdb", false));
        Assert.Equal("a\ufffdb", tokenizer.Decode(tokenizer.Encode("a\udc00b", false), false));
        Assert.NotEmpty(tokenizer.Encode("\ud83d", false));
        Assert.NotEmpty(SyntheticTokenizers.Qwen().Encode("x\ud800\udc00\udc00\ud800", false));
    }

    [Fact]
    public void PathologicalRunsEncodeInBoundedTime()
    {
        var tokenizer = SyntheticTokenizers.Llama3();
        foreach (var text in new[]
        {
            new string(' ', 1_000_000), new string('\n', 500_000), string.Concat(Enumerable.Repeat(" \t", 300_000)),
            new string('7', 1_000_000), new string('a', 300_000), string.Concat(Enumerable.Repeat("😀", 200_000)),
            new string('!', 500_000), string.Concat(Enumerable.Repeat("  \n", 200_000)) + "x",
        })
        {
            var watch = Stopwatch.StartNew();
            var ids = tokenizer.Encode(text, false);
            Assert.NotEmpty(ids);
            Assert.Equal(text, tokenizer.Decode(ids, false));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"{text.Length} chars of U+{(int)text[0]:X4} took {watch.Elapsed}");
        }
    }

    [Fact]
    public void TenMegabytesAndA128KTokenPromptEncodeInBoundedTime()
    {
        var tokenizer = Families.Tokenizer("deepseek_v3");
        var builder = new StringBuilder();
        var random = new Random(42);
        string[] pieces = ["The quick brown fox. ", "我们今天讨论一下。", "def f(x):\n    return x * 2\n", "12345678 ", "👍🏽 ", "\t\t\n", "𝐀𝐁𝐂 ", "Ünïcödé ", "مرحبا "];
        var byteCount = 0;
        while (byteCount < 10_000_000)
        {
            var piece = pieces[random.Next(pieces.Length)] + (random.Next(10) == 0 ? random.Next().ToString(CultureInfo.InvariantCulture) : string.Empty);
            builder.Append(piece);
            byteCount += Encoding.UTF8.GetByteCount(piece);
        }

        var text = builder.ToString();
        var watch = Stopwatch.StartNew();
        var ids = tokenizer.Encode(text, false);
        var elapsed = watch.Elapsed;
        _output.WriteLine($"{Encoding.UTF8.GetByteCount(text):N0} bytes -> {ids.Length:N0} tokens in {elapsed.TotalSeconds:F2} s");
        Assert.True(elapsed < TimeSpan.FromSeconds(60));

        // About 128K tokens of prompt.
        var cut = (int)((long)text.Length * 128_000 / ids.Length);
        cut -= char.IsHighSurrogate(text[cut - 1]) ? 1 : 0;
        var prompt = text[..cut];
        watch.Restart();
        var promptIds = tokenizer.Encode(prompt, true);
        _output.WriteLine($"{promptIds.Length:N0}-token prompt in {watch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.InRange(promptIds.Length, 100_000, 160_000);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20));
        Assert.Equal(prompt, tokenizer.Decode(promptIds, skipSpecialTokens: true));
    }

    [Fact]
    public void AddSpecialTokensPutsBosFirstAsAddBosTokenSays()
    {
        var tokenizer = Families.Tokenizer("deepseek_v3");
        Assert.Equal([0], tokenizer.PrefixTokens);
        Assert.Equal(0, tokenizer.Encode("Hello world", addSpecialTokens: true)[0]);
        Assert.Equal([19923, 2058], tokenizer.Encode("Hello world", addSpecialTokens: false));
    }

    [Fact]
    public void UnknownGgufPreTokenizerIsNamedInTheError()
    {
        var error = Assert.Throws<NotSupportedException>(() => PreTokenizerPatterns.ForLlamaCppName("tekken"));
        Assert.Contains("'tekken'", error.Message);
    }

    [Fact]
    public void DeepSeekLoadsItsFullVocabulary()
    {
        _ = Families.Tokenizer("deepseek_v3");
        var watch = Stopwatch.StartNew();
        var tokenizer = TokenizerLoader.FromTokenizerJson(ReferenceEnvironment.TokenizerJson("deepseek_v3"));
        _output.WriteLine($"load {watch.ElapsedMilliseconds} ms, vocab {tokenizer.VocabularySize}, merges {tokenizer.Model.MergeCount}");
        Assert.Equal(128_815, tokenizer.VocabularySize);
    }
}
