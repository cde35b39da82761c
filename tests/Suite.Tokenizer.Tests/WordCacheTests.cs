using Suite.Tokenizer.Core.Bpe;

namespace Suite.Tokenizer.Tests;

/// <summary>The word cache is bounded in bytes and keeps only short words.</summary>
public sealed class WordCacheTests
{
    [Fact]
    public void Add_ManyDistinctWords_StaysWithinItsByteBudget()
    {
        var cache = new WordCache(capacityBytes: 1 << 20);
        for (var i = 0; i < 200_000; i++)
        {
            cache.Add($"word{i}", [i, i + 1]);
        }

        Assert.InRange(cache.SizeBytes, 1, 1 << 20);
        Assert.True(cache.TryGet("word199999", out var recent));
        Assert.Equal([199_999, 200_000], recent);
        Assert.False(cache.TryGet("word0", out _));
    }

    [Fact]
    public void Add_WordLongerThanTheKeyLimit_IsNotKept()
    {
        var cache = new WordCache(capacityBytes: 64 << 20);
        cache.Add(new string('a', WordCache.MaxKeyLength + 1), [1]);
        Assert.Equal(0, cache.Count);
        cache.Add(new string('a', WordCache.MaxKeyLength), [1]);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void TryGet_WordFromThePreviousGeneration_MovesToTheCurrentOne()
    {
        var cache = new WordCache(capacityBytes: 4096);
        cache.Add("keep", [7]);
        for (var i = 0; cache.TryGet("keep", out _) && i < 1000; i++)
        {
            cache.Add($"filler{i}", [i]);
        }

        // Looked up after every insertion, the word survives the rotations that drop untouched ones.
        Assert.True(cache.TryGet("keep", out var ids));
        Assert.Equal([7], ids);
    }

    [Fact]
    public void Encode_DistinctLongWords_LeavesTheCacheEmpty()
    {
        // Thirty distinct 1 MB words once grew a process by 300 MB through the cache; now long words are never kept.
        var tokenizer = SyntheticTokenizers.Qwen();
        var random = new Random(7);
        for (var w = 0; w < 10; w++)
        {
            var word = new string(Enumerable.Range(0, 50_000).Select(_ => (char)random.Next('a', 'e')).ToArray());
            tokenizer.Encode(word, addSpecialTokens: false);
        }

        Assert.Equal(0, tokenizer.Model.Cache.Count);
        tokenizer.Encode("hello world hello", addSpecialTokens: false);
        Assert.Equal(3, tokenizer.Model.Cache.Count); // "hello", " world", " hello"
    }
}
