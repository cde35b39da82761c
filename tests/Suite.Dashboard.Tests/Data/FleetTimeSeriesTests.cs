using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Suite.Contracts;
using Suite.Telemetry;
using Suite.Telemetry.Dashboard;

namespace Suite.Dashboard.Tests.Data;

public sealed class FleetTimeSeriesTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly Dictionary<string, WorkerHeartbeat> _sent = new(StringComparer.Ordinal);

    [Fact]
    public void Tick_RequestsOfOneInterval_BecomeOnePointWithPercentilesTokensAndGauges()
    {
        var series = Create();
        series.Observe(Heartbeat("w1", "cpu-a", running: 3, waiting: 2));
        for (var i = 1; i <= 100; i++)
        {
            series.Record(new RequestSample("w1", 200, i / 1000.0, [0.01f, 0.02f], PromptTokens: 10, CompletionTokens: 20));
        }

        CloseInterval(series);

        var pool = Assert.Single(series.Snapshot().Pools);
        var s = pool.Series;
        Assert.Equal("cpu-a", pool.Pool);
        Assert.Single(s.Time);
        Assert.Equal(0.050, s.TtftP50[0]!.Value, 3);
        Assert.Equal(0.099, s.TtftP99[0]!.Value, 3);
        Assert.Equal(0.01, s.ItlP50[0]!.Value, 4);
        Assert.Equal(2000 / 5.0, s.OutputTokensPerSecond[0]);
        Assert.Equal(2, s.QueueDepth[0]);
        Assert.Equal(3, s.RunningSequences[0]);
        Assert.Equal(100, pool.Totals.Requests);
        Assert.Equal(2000, pool.Totals.OutputTokens);
        Assert.Null(s.CacheHitRate[0]);
    }

    [Fact]
    public void Tick_IntervalWithoutRequests_HasNullLatenciesAndZeroTokens()
    {
        var series = Create();
        series.Observe(Heartbeat("w1", "cpu-a"));

        CloseInterval(series);

        var s = Assert.Single(series.Snapshot().Pools).Series;
        Assert.Null(s.TtftP50[0]);
        Assert.Null(s.ItlP99[0]);
        Assert.Equal(0, s.OutputTokensPerSecond[0]);
    }

    [Fact]
    public void Snapshot_WorkerStopped_PoolLeavesAtOnceAndItsHistoryIsDropped()
    {
        var series = Create();
        series.Observe(Heartbeat("a1", "pool-a"));
        series.Observe(Heartbeat("b1", "pool-b"));
        CloseInterval(series);

        series.Forget("b1");
        _sent.Remove("b1");

        Assert.Equal(["pool-a"], series.Snapshot().Pools.Select(p => p.Pool));
        CloseInterval(series); // a tick that finds no worker of pool-b drops its history
        series.Observe(Heartbeat("b2", "pool-b"));
        CloseInterval(series);
        var returned = series.Snapshot().Pools.Single(p => p.Pool == "pool-b");
        Assert.Single(returned.Series.Time);
        Assert.Equal(3, series.Snapshot().Pools.Single(p => p.Pool == "pool-a").Series.Time.Length);
    }

    [Fact]
    public void Snapshot_SilentWorker_LeavesAfterTheHeartbeatTimeout()
    {
        var series = Create();
        series.Observe(Heartbeat("w1", "cpu-a"));

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("silent", Assert.Single(Assert.Single(series.Snapshot().Pools).Workers).State);
        _time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Empty(series.Snapshot().Pools);
    }

    [Fact]
    public void Snapshot_WorkerStates_FollowItsHeartbeat()
    {
        var series = Create();
        series.Observe(Heartbeat("idle", "p"));
        series.Observe(Heartbeat("busy", "p", running: 2));
        series.Observe(Heartbeat("full", "p", running: 8, waiting: 1));

        var states = Assert.Single(series.Snapshot().Pools).Workers.ToDictionary(w => w.WorkerId, w => w.State);

        Assert.Equal("idle", states["idle"]);
        Assert.Equal("serving", states["busy"]);
        Assert.Equal("saturated", states["full"]);
    }

    [Fact]
    public void Snapshot_PricedPool_CostPerMillionIsWorkerTimeOverTokens()
    {
        var series = Create();
        series.Observe(Heartbeat("w1", "gpu", price: 3.6)); // $3.60/h = $0.001/s
        series.Observe(Heartbeat("w2", "gpu", price: 3.6));
        series.Record(new RequestSample("w1", 200, 0.01, [], 10, 1000));

        CloseInterval(series);

        var pool = Assert.Single(series.Snapshot().Pools);
        // Two workers for 5 s = $0.01 for 1,000 tokens = $10 per million.
        Assert.Equal(0.01, pool.Totals.CostUsd!.Value, 9);
        Assert.Equal(10, pool.Totals.CostPerMillionOutputTokensUsd!.Value, 6);
        Assert.Equal(10, pool.Series.CostPerMillionOutputTokensUsd[0]!.Value, 6);
        Assert.Equal(7.2, pool.Totals.PricePerHourUsd!.Value, 9);
    }

    [Fact]
    public void Snapshot_UnpricedPool_HasNoCost()
    {
        var series = Create();
        series.Observe(Heartbeat("w1", "cpu-a"));
        series.Record(new RequestSample("w1", 200, 0.01, [], 10, 1000));

        CloseInterval(series);

        var pool = Assert.Single(series.Snapshot().Pools);
        Assert.Null(pool.Totals.CostUsd);
        Assert.Null(pool.Series.CostPerMillionOutputTokensUsd[0]);
    }

    [Fact]
    public void Record_CachedPromptTokens_GiveAHitRate()
    {
        var series = Create();
        series.Observe(Heartbeat("w1", "cpu-a"));
        series.Record(new RequestSample("w1", 200, 0.01, [], PromptTokens: 100, CompletionTokens: 5, CachedPromptTokens: 75));
        series.Record(new RequestSample("w1", 200, 0.01, [], PromptTokens: 100, CompletionTokens: 5, CachedPromptTokens: 25));

        CloseInterval(series);

        Assert.Equal(0.5, Assert.Single(series.Snapshot().Pools).Series.CacheHitRate[0]);
    }

    [Fact]
    public void Record_UnknownWorkerOrError_IsNotCountedAsTraffic()
    {
        var series = Create();
        series.Observe(Heartbeat("w1", "cpu-a"));
        series.Record(new RequestSample(string.Empty, 503, null, [], 0, 0));
        series.Record(new RequestSample("w1", 500, null, [], 10, 0));

        CloseInterval(series);

        var pool = Assert.Single(series.Snapshot().Pools);
        Assert.Equal(1, pool.Totals.Requests);
        Assert.Equal(1, pool.Totals.Errors);
        Assert.Null(pool.Series.TtftP50[0]);
    }

    [Fact]
    public void Tick_BeyondTheWindow_KeepsOnlyTheNewestPoints()
    {
        var series = Create(windowSeconds: 20);
        for (var i = 0; i < 10; i++)
        {
            series.Observe(Heartbeat("w1", "cpu-a"));
            CloseInterval(series);
        }

        var s = Assert.Single(series.Snapshot().Pools).Series;
        Assert.Equal(4, s.Time.Length);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0, s.Time[^1]);
    }

    [Fact]
    public void Snapshot_Models_AreSeparatePools()
    {
        var series = Create();
        series.Observe(Heartbeat("w1", "cpu", model: "m1"));
        series.Observe(Heartbeat("w2", "cpu", model: "m2"));

        Assert.Equal(["m1", "m2"], series.Snapshot().Pools.Select(p => p.Model));
    }

    [Fact]
    public void SampleReservoir_BeyondCapacity_KeepsBoundedUniformSample()
    {
        var reservoir = new SampleReservoir(1000);
        for (var i = 0; i < 100_000; i++)
        {
            reservoir.Add(i);
        }

        var median = reservoir.Percentiles(0.5)[0]!.Value;
        Assert.Equal(100_000, reservoir.Seen);
        Assert.InRange(median, 40_000, 60_000);
    }

    /// <summary>Five seconds pass, during which every worker seen so far keeps beating (as they do every 500 ms), then the interval closes.</summary>
    private void CloseInterval(FleetTimeSeries series)
    {
        _time.Advance(TimeSpan.FromSeconds(5));
        foreach (var heartbeat in _sent.Values)
        {
            series.Observe(heartbeat);
        }

        series.Tick();
    }

    private FleetTimeSeries Create(double windowSeconds = 1800)
        => new(Options.Create(new TelemetryOptions { DashboardIntervalSeconds = 5, DashboardWindowSeconds = windowSeconds, CostWindowSeconds = 60 }), _time);

    private WorkerHeartbeat Heartbeat(string worker, string pool, int running = 0, int waiting = 0, double? price = null, string model = "m")
        => _sent[worker] = new(worker, new Uri($"queue:suite-worker-{worker}"), "cpu", pool, model, false, "CPU", 8, running, waiting, 64, 8192, 128 * running, 1024, 0.01, 0.01,
            _time.GetUtcNow(), new ModelDescription(model, "suite", 1024, 100, false, "test", _time.GetUtcNow()), price);
}
