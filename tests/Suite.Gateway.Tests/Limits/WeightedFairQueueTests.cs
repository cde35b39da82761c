using Suite.Gateway.Limits;

namespace Suite.Gateway.Tests.Limits;

public sealed class WeightedFairQueueTests
{
    [Fact]
    public void TryDequeue_QuietTenantArrivesBehindAFlood_IsServedNext()
    {
        var queue = new WeightedFairQueue<string>();
        for (var i = 0; i < 100; i++)
        {
            queue.Enqueue("a", 1, $"a{i}");
        }

        queue.TryDequeue(out var first, out _);
        queue.Enqueue("b", 1, "b0");
        queue.TryDequeue(out var second, out var tenant);

        Assert.Equal("a0", first);
        Assert.Equal("b0", second);
        Assert.Equal("b", tenant);
    }

    [Fact]
    public void TryDequeue_TwoBusyTenants_ShareInProportionToTheirWeights()
    {
        var queue = new WeightedFairQueue<string>();
        for (var i = 0; i < 400; i++)
        {
            queue.Enqueue("light", 1, "l");
            queue.Enqueue("heavy", 3, "h");
        }

        var served = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            queue.TryDequeue(out var item, out _);
            served.Add(item);
        }

        Assert.InRange(served.Count(s => s == "h"), 299, 301);
    }

    [Fact]
    public void Remove_AWaitingRequest_IsNeverServed()
    {
        var queue = new WeightedFairQueue<string>();
        queue.Enqueue("a", 1, "x");
        queue.Enqueue("a", 1, "y");

        Assert.True(queue.Remove("a", "x"));
        Assert.False(queue.Remove("a", "x"));
        Assert.True(queue.TryDequeue(out var item, out _));
        Assert.Equal("y", item);
        Assert.False(queue.TryDequeue(out _, out _));
        Assert.Equal(0, queue.Count);
    }
}
