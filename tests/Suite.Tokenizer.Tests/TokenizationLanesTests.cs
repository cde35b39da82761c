using Microsoft.Extensions.Options;
using Suite.Tokenizer.Registry;

namespace Suite.Tokenizer.Tests;

/// <summary>Short inputs are encoded at once; large ones share a bounded lane and, when a burst ends, give their memory back.</summary>
public sealed class TokenizationLanesTests
{
    [Fact]
    public async Task RunAsync_ShortInput_RunsOnTheCallersThread()
    {
        using var lanes = Lanes(threshold: 100, concurrency: 1);
        var caller = Environment.CurrentManagedThreadId;
        var thread = await lanes.RunAsync(99, () => Environment.CurrentManagedThreadId, TestContext.Current.CancellationToken);
        Assert.Equal(caller, thread);
    }

    [Fact]
    public async Task RunAsync_LargeInputs_RunNoMoreAtOnceThanTheLaneAllows_WhileShortOnesPass()
    {
        using var lanes = Lanes(threshold: 100, concurrency: 1);
        using var release = new ManualResetEventSlim();
        var running = 0;
        var maxRunning = 0;
        int Work()
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            release.Wait(TimeSpan.FromSeconds(30));
            Interlocked.Decrement(ref running);
            return now;
        }

        var large = Enumerable.Range(0, 3).Select(_ => lanes.RunAsync(1_000, Work, TestContext.Current.CancellationToken).AsTask()).ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Volatile.Read(ref running) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        // A short input while all three large ones are in (one running, two waiting).
        Assert.Equal(42, await lanes.RunAsync(10, () => 42, TestContext.Current.CancellationToken));
        Assert.Equal(3, lanes.LargeInFlight);
        release.Set();
        await Task.WhenAll(large);
        Assert.Equal(1, maxRunning);
    }

    [Fact]
    public async Task RunAsync_BurstOfLargeInputs_IsFollowedByOneReclaim()
    {
        using var lanes = new TokenizationLanes(Options.Create(new TokenizerOptions { LargeInputCharacters = 100, LargeInputConcurrency = 2 })) { ReclaimDelay = TimeSpan.FromMilliseconds(200) };
        using var gate = new ManualResetEventSlim();
        var burst = Enumerable.Range(0, 4).Select(_ => lanes.RunAsync(1_000, () => gate.Wait(TimeSpan.FromSeconds(30)), TestContext.Current.CancellationToken).AsTask()).ToList();
        Assert.Equal(4, lanes.LargeInFlight);
        gate.Set();
        await Task.WhenAll(burst);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (lanes.Reclaims == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, lanes.Reclaims);
        await lanes.RunAsync(10, () => 1, TestContext.Current.CancellationToken);
        Assert.Equal(1, lanes.Reclaims);
    }

    private static TokenizationLanes Lanes(int threshold, int concurrency) =>
        new(Options.Create(new TokenizerOptions { LargeInputCharacters = threshold, LargeInputConcurrency = concurrency, ReclaimMemoryAfterLargeInputs = false }));

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
