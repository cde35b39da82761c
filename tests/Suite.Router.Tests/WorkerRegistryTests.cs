using Suite.Contracts.KvCache;
using Suite.Router.Index;
using Suite.Router.Registry;

namespace Suite.Router.Tests;

public sealed class WorkerRegistryTests
{
    [Fact]
    public async Task Sweep_WorkerWhoseHeartbeatsStopped_LeavesTheRegistryAndItsBlocksTheIndex()
    {
        var registry = new WorkerRegistry(Workers.Options(o => o.WorkerTimeoutSeconds = 0.2));
        var index = new PrefixIndex();
        registry.WorkerRemoved += index.RemoveWorker;
        var (dying, _) = registry.Observe(Workers.Heartbeat("dying"));
        var chain = PrefixBlockHash.Compute(Workers.Model, Workers.Prompt(64), 16);
        index.Apply(dying.Slot, new KvCacheSnapshot("dying", Workers.Model, 16, 1, chain, DateTimeOffset.UtcNow));
        Assert.Equal(4, index.BlockCount);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (index.BlockCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
            registry.Sweep();
        }

        Assert.Equal(0, index.BlockCount);
        Assert.Empty(registry.AllLive());
    }

    [Fact]
    public async Task WarmUp_CountsFromTheFirstHeartbeat_NotFromTheRoutersStart()
    {
        var registry = new WorkerRegistry(Workers.Options(o => (o.WarmUpSeconds, o.WarmUpLimitSeconds) = (0.2, 600)));
        await Task.Delay(400, TestContext.Current.CancellationToken);
        // Past the warm-up since its start, but nothing heard yet: a slow connect must not make it answer "no such model".
        Assert.False(registry.IsWarm);
        var warm = registry.WhenWarmAsync(TestContext.Current.CancellationToken);
        Assert.False(warm.IsCompleted);

        registry.Observe(Workers.Heartbeat("a"));
        await warm.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(registry.IsWarm);
    }

    [Fact]
    public async Task WarmUp_WithNoWorkerAtAll_EndsAtTheLimit()
    {
        var registry = new WorkerRegistry(Workers.Options(o => (o.WarmUpSeconds, o.WarmUpLimitSeconds) = (0.1, 0.3)));
        await registry.WhenWarmAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(registry.IsWarm);
    }

    [Fact]
    public void Observe_SameWorkerAgain_KeepsItsSlot_RemoveRaisesTheEvent()
    {
        var registry = new WorkerRegistry(Workers.Options());
        var removed = new List<int>();
        registry.WorkerRemoved += removed.Add;

        var (first, added) = registry.Observe(Workers.Heartbeat("a"));
        var (again, addedAgain) = registry.Observe(Workers.Heartbeat("a", running: 3));
        registry.Observe(Workers.Heartbeat("b"));
        registry.Remove("a");

        Assert.True(added);
        Assert.False(addedAgain);
        Assert.Same(first, again);
        Assert.Equal(3, again.Heartbeat.RunningSequences);
        Assert.Equal([first.Slot], removed);
        Assert.Equal(first.Slot, registry.SlotOf("a"));
        Assert.NotEqual(first.Slot, registry.SlotOf("b"));
    }
}
