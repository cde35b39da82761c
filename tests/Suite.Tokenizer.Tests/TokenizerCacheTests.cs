using System.Diagnostics;
using Suite.Tokenizer.Core.Bpe;
using Suite.Tokenizer.Core.Loading;

namespace Suite.Tokenizer.Tests;

/// <summary>The compact load cache gives back the same tokenizer, and is rebuilt when damaged.</summary>
public sealed class TokenizerCacheTests
{
    private readonly ITestOutputHelper _output;

    public TokenizerCacheTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void CachedTokenizerEncodesTheCorpusExactlyLikeTheOneBuiltFromJson()
    {
        var corpus = ReferenceCorpus.Instance;
        var directory = Path.Combine(Path.GetTempPath(), $"suite-tokenizer-cache-test-{Environment.ProcessId}");
        try
        {
            var watch = Stopwatch.StartNew();
            var first = TokenizerCache.FromTokenizerJson(ReferenceEnvironment.DeepSeekTokenizerJson, RegexFlavor.EcmaScript, directory);
            var build = watch.ElapsedMilliseconds;
            Assert.Single(Directory.GetFiles(directory, "*.stok"));
            watch.Restart();
            var cached = TokenizerCache.FromTokenizerJson(ReferenceEnvironment.DeepSeekTokenizerJson, RegexFlavor.EcmaScript, directory);
            _output.WriteLine($"build+write {build} ms, read {watch.ElapsedMilliseconds} ms");

            Assert.Equal(first.VocabularySize, cached.VocabularySize);
            Assert.Equal(first.PrefixTokens, cached.PrefixTokens);
            Assert.Equal("deepseek-v3", cached.ChatTemplate?.Name);
            foreach (var (text, ids) in corpus.Texts)
            {
                Assert.Equal(ids, cached.Encode(text, false));
            }

            // A damaged cache file is ignored and rebuilt.
            var file = Directory.GetFiles(directory, "*.stok")[0];
            File.WriteAllBytes(file, [1, 2, 3]);
            var rebuilt = TokenizerCache.FromTokenizerJson(ReferenceEnvironment.DeepSeekTokenizerJson, RegexFlavor.EcmaScript, directory);
            Assert.Equal(corpus.Texts[^1].Ids, rebuilt.Encode(corpus.Texts[^1].Text, false));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void SyntheticTokenizerRoundTripsThroughTheCacheFormat()
    {
        var path = Path.Combine(Path.GetTempPath(), $"suite-tokenizer-{Environment.ProcessId}-qwen.stok");
        try
        {
            var qwen = SyntheticTokenizers.Qwen();
            TokenizerCache.Write(qwen, path);
            var back = TokenizerCache.Read(path);
            Assert.Equal(qwen.Normalization, back.Normalization);
            Assert.Equal(qwen.Encode("e\u0301 hello <|im_end|> 123", true), back.Encode("e\u0301 hello <|im_end|> 123", true));
            Assert.Equal("chatml", back.ChatTemplate?.Name);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
