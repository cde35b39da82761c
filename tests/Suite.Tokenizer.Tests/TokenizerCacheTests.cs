using System.Diagnostics;
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

    [Theory]
    [InlineData("deepseek_v3")]
    [InlineData("gemma3")]
    public void CachedTokenizerEncodesTheCorpusExactlyLikeTheOneBuiltFromJson(string family)
    {
        var texts = ReferenceData.Texts;
        var reference = ReferenceData.Family(family);
        var directory = Path.Combine(Path.GetTempPath(), $"suite-tokenizer-cache-test-{Environment.ProcessId}-{family}");
        try
        {
            var watch = Stopwatch.StartNew();
            var first = TokenizerCache.FromTokenizerJson(ReferenceEnvironment.TokenizerJson(family), directory);
            var build = watch.ElapsedMilliseconds;
            Assert.Single(Directory.GetFiles(directory, "*.stok"));
            watch.Restart();
            var cached = TokenizerCache.FromTokenizerJson(ReferenceEnvironment.TokenizerJson(family), directory);
            _output.WriteLine($"build+write {build} ms, read {watch.ElapsedMilliseconds} ms");

            Assert.Equal(first.VocabularySize, cached.VocabularySize);
            Assert.Equal(first.PrefixTokens, cached.PrefixTokens);
            Assert.Equal(first.ChatTemplate?.Name, cached.ChatTemplate?.Name);
            for (var i = 0; i < texts.Count; i++)
            {
                Assert.Equal(reference.Ids[i], cached.Encode(texts[i], false));
                Assert.Equal(reference.Decoded[i], cached.Decode(reference.Ids[i], false));
            }

            // A damaged cache file is ignored and rebuilt.
            var file = Directory.GetFiles(directory, "*.stok")[0];
            File.WriteAllBytes(file, [1, 2, 3]);
            var rebuilt = TokenizerCache.FromTokenizerJson(ReferenceEnvironment.TokenizerJson(family), directory);
            Assert.Equal(reference.Ids[^1], rebuilt.Encode(texts[^1], false));
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
            Assert.Equal(qwen.Pipeline.NormalizerJson, back.Pipeline.NormalizerJson);
            Assert.Equal(qwen.Encode("e\u0301 hello <|im_end|> 123", true), back.Encode("e\u0301 hello <|im_end|> 123", true));
            Assert.Equal(qwen.ChatTemplate!.Name, back.ChatTemplate?.Name);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
