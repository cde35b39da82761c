using Suite.ModelWorker.Backends.LlamaCpp;
using Suite.ModelWorker.Tests.Sim;

namespace Suite.ModelWorker.Tests;

/// <summary>
/// The prefix cache on real llama.cpp: a prompt served from cells another sequence computed (unified KV cache, shared
/// by sequence-id tags) decodes the same greedy tokens as the same prompt computed in full on a split-stream cache
/// without any cache, in the exact setting (F32 weights and KV, no flash attention).
/// </summary>
public sealed class LlamaCppPrefixCacheTests(SmokeModelFixture fixture) : IAsyncLifetime
{
    private LlamaCppBackend _uncached = null!;

    public ValueTask InitializeAsync()
    {
        _uncached = new LlamaCppBackend(new LlamaCppBackendOptions
        {
            ModelPath = fixture.Model.Path,
            Model = fixture.Model.Description,
            MaxSequences = 2,
            ContextLength = 1024,
            Threads = 1,
            KvCacheType = KvCacheType.F32,
            PrefixCache = false,
        });
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _uncached.DisposeAsync();

    [Fact]
    public async Task CachedPrefix_GivesTheGreedyTokensOfAnUncachedSplitStreamBackend()
    {
        var cached = fixture.Backend;
        var system = SimBackends.Prompt(300, seed: 8001);
        int[] question = [.. system, .. SimBackends.Prompt(12, seed: 8002)];
        await SequenceRunner.RunAsync(cached, SequenceRunner.Greedy(system, 1, ignoreEos: true));

        var fromCache = await SequenceRunner.RunAsync(cached, SequenceRunner.Greedy(question, 48, ignoreEos: true));
        var computed = await SequenceRunner.RunAsync(_uncached, SequenceRunner.Greedy(question, 48, ignoreEos: true));

        Assert.Equal(288, fromCache.Outcome.CachedTokens);
        Assert.Equal(0, computed.Outcome.CachedTokens);
        Assert.Equal(computed.Tokens, fromCache.Tokens);
        Assert.False(_uncached.GetCapacity().Cache!.Enabled);
        Assert.True(cached.CountCachedKvCellsWhileIdle() >= 288, "holder lanes keep the cached cells");
        Assert.Equal(0, cached.CountKvCellsWhileIdle());
    }
}
