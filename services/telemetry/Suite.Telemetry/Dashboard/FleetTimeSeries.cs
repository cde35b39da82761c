using Microsoft.Extensions.Options;
using Suite.Contracts;

namespace Suite.Telemetry.Dashboard;

/// <summary>
/// The dashboard's data: per model and pool, a ring of fixed-length intervals fed by the same events as the metrics
/// (<see cref="RequestCompleted"/>, <see cref="WorkerHeartbeat"/>, <see cref="WorkerStopped"/>) but kept apart from the
/// Prometheus metric classes, so either can change without the other. Requests are attributed to a pool through the
/// worker that served them (the event names the worker, heartbeats name its pool). <see cref="Tick"/> closes the open
/// interval of every pool; a pool with no live worker at a tick is dropped, so it leaves the page.
/// </summary>
public sealed class FleetTimeSeries(IOptions<TelemetryOptions> options, TimeProvider time)
{
    private const int LatencySamplesPerInterval = 2048;
    private static readonly TimeSpan WorkerTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan WorkerLate = TimeSpan.FromSeconds(1.5);

    private readonly TelemetryOptions _options = options.Value;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (WorkerHeartbeat Heartbeat, DateTimeOffset At)> _workers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Model, string Pool)> _workerPools = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Model, string Pool), PoolState> _pools = [];

    public double IntervalSeconds => _options.DashboardIntervalSeconds;

    public void Observe(WorkerHeartbeat heartbeat)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        var key = (heartbeat.Model, heartbeat.Pool);
        lock (_lock)
        {
            _workers[heartbeat.WorkerId] = (heartbeat, time.GetUtcNow());
            _workerPools[heartbeat.WorkerId] = key;
            if (!_pools.TryGetValue(key, out var pool))
            {
                pool = new PoolState(MaxPoints());
                _pools[key] = pool;
            }

            pool.Backend = heartbeat.Backend;
            pool.Simulated |= heartbeat.Simulated;
        }
    }

    public void Forget(string workerId)
    {
        lock (_lock)
        {
            _workers.Remove(workerId);
        }
    }

    public void Record(RequestSample request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            if (!_workerPools.TryGetValue(request.WorkerId, out var key) || !_pools.TryGetValue(key, out var pool))
            {
                return; // refused before it reached a worker, or served by a pool already gone
            }

            pool.Open.Add(request);
            pool.Requests++;
            if (request.StatusCode >= 400)
            {
                pool.Errors++;
            }
            else
            {
                pool.OutputTokens += request.CompletionTokens;
            }
        }
    }

    /// <summary>Closes the open interval of every pool (the sampler calls it every <see cref="TelemetryOptions.DashboardIntervalSeconds"/>).</summary>
    public void Tick()
    {
        var now = time.GetUtcNow();
        var interval = _options.DashboardIntervalSeconds;
        lock (_lock)
        {
            foreach (var (key, pool) in _pools.ToList())
            {
                var live = LiveWorkers(key, now);
                if (live.Count == 0)
                {
                    _pools.Remove(key);
                    continue;
                }

                double? price = live.Any(w => w.PricePerHourUsd is not null) ? live.Sum(w => w.PricePerHourUsd ?? 0) : null;
                var cost = price * interval / 3600;
                if (cost is { } spent)
                {
                    pool.CostUsd = (pool.CostUsd ?? 0) + spent;
                }

                pool.Price = price;
                pool.Points.Enqueue(pool.Open.Close(now.ToUnixTimeMilliseconds() / 1000.0, interval, live, cost));
                while (pool.Points.Count > pool.Capacity)
                {
                    pool.Points.Dequeue();
                }
            }

            // Forget where workers were once nothing can still arrive from them.
            foreach (var (worker, key) in _workerPools.ToList())
            {
                if (!_pools.ContainsKey(key) && !_workers.ContainsKey(worker))
                {
                    _workerPools.Remove(worker);
                }
            }
        }
    }

    public DashboardSnapshot Snapshot()
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var pools = new List<PoolView>();
            foreach (var (key, pool) in _pools.OrderBy(p => p.Key.Model, StringComparer.Ordinal).ThenBy(p => p.Key.Pool, StringComparer.Ordinal))
            {
                var live = LiveWorkers(key, now);
                if (live.Count == 0)
                {
                    continue;
                }

                var workers = live.OrderBy(w => w.WorkerId, StringComparer.Ordinal).Select(w => View(w, now - _workers[w.WorkerId].At)).ToList();
                var totals = new PoolTotals(
                    pool.Requests,
                    pool.Errors,
                    pool.OutputTokens,
                    pool.CostUsd,
                    pool.CostUsd is { } spent && pool.OutputTokens > 0 ? spent / pool.OutputTokens * 1e6 : null,
                    pool.Price ?? (live.Any(w => w.PricePerHourUsd is not null) ? live.Sum(w => w.PricePerHourUsd ?? 0) : null));
                pools.Add(new PoolView(key.Model, key.Pool, pool.Backend, pool.Simulated, workers, totals, Series(pool)));
            }

            return new DashboardSnapshot(_options.DashboardIntervalSeconds, _options.CostWindowSeconds, now, pools);
        }
    }

    private int MaxPoints() => Math.Max(2, (int)Math.Ceiling(_options.DashboardWindowSeconds / _options.DashboardIntervalSeconds));

    private List<WorkerHeartbeat> LiveWorkers((string Model, string Pool) key, DateTimeOffset now)
        => _workers.Values
            .Where(w => now - w.At <= WorkerTimeout && w.Heartbeat.Model == key.Model && w.Heartbeat.Pool == key.Pool)
            .Select(w => w.Heartbeat)
            .ToList();

    private static WorkerView View(WorkerHeartbeat w, TimeSpan age)
    {
        var state = age > WorkerLate ? "silent"
            : w.WaitingSequences > 0 ? "saturated"
            : w.RunningSequences > 0 ? "serving"
            : "idle";
        return new WorkerView(
            w.WorkerId,
            state,
            w.Device,
            w.RunningSequences,
            w.MaxSequences,
            w.WaitingSequences,
            w.KvCapacityTokens > 0 ? (double)w.KvUsedTokens / w.KvCapacityTokens : 0,
            w.PricePerHourUsd,
            Math.Round(age.TotalSeconds, 3));
    }

    private PoolSeries Series(PoolState pool)
    {
        var points = pool.Points.ToArray();
        var costPerMillion = new double?[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            // Trailing window: per-interval token counts are too lumpy (a request's tokens land when it finishes).
            double? cost = 0;
            double tokens = 0;
            for (var j = i; j >= 0 && points[i].Time - points[j].Time < _options.CostWindowSeconds; j--)
            {
                cost = points[j].CostUsd is { } c ? cost + c : null;
                tokens += points[j].OutputTokens;
                if (cost is null)
                {
                    break;
                }
            }

            costPerMillion[i] = cost is { } spent && tokens > 0 ? spent / tokens * 1e6 : null;
        }

        return new PoolSeries(
            [.. points.Select(p => p.Time)],
            [.. points.Select(p => p.Ttft[0])],
            [.. points.Select(p => p.Ttft[1])],
            [.. points.Select(p => p.Ttft[2])],
            [.. points.Select(p => p.Itl[0])],
            [.. points.Select(p => p.Itl[1])],
            [.. points.Select(p => p.Itl[2])],
            [.. points.Select(p => p.OutputTokens / p.IntervalSeconds)],
            [.. points.Select(p => (double)p.Requests)],
            [.. points.Select(p => p.QueueDepth)],
            [.. points.Select(p => p.Running)],
            [.. points.Select(p => p.Workers)],
            [.. points.Select(p => p.KvCacheUsage)],
            [.. points.Select(p => p.CacheHitRate)],
            costPerMillion);
    }

    private sealed class PoolState(int capacity)
    {
        public int Capacity { get; } = capacity;

        public string Backend { get; set; } = string.Empty;

        public bool Simulated { get; set; }

        public OpenInterval Open { get; } = new();

        public Queue<Point> Points { get; } = new();

        public long Requests { get; set; }

        public long Errors { get; set; }

        public long OutputTokens { get; set; }

        public double? CostUsd { get; set; }

        public double? Price { get; set; }
    }

    private sealed record Point(
        double Time,
        double IntervalSeconds,
        double?[] Ttft,
        double?[] Itl,
        long Requests,
        long OutputTokens,
        double QueueDepth,
        double Running,
        double Workers,
        double? KvCacheUsage,
        double? CacheHitRate,
        double? CostUsd);

    /// <summary>What arrived since the last tick.</summary>
    private sealed class OpenInterval
    {
        private readonly SampleReservoir _ttft = new(LatencySamplesPerInterval);
        private readonly SampleReservoir _itl = new(LatencySamplesPerInterval);
        private long _requests;
        private long _outputTokens;
        private long _promptTokens;
        private long _cachedTokens;
        private bool _cacheReported;

        public void Add(RequestSample request)
        {
            _requests++;
            if (request.StatusCode >= 400)
            {
                return;
            }

            if (request.TimeToFirstTokenSeconds is { } ttft)
            {
                _ttft.Add(ttft);
            }

            foreach (var gap in request.InterTokenSeconds)
            {
                _itl.Add(gap);
            }

            _outputTokens += request.CompletionTokens;
            _promptTokens += request.PromptTokens;
            if (request.CachedPromptTokens is { } cached)
            {
                _cachedTokens += cached;
                _cacheReported = true;
            }
        }

        public Point Close(double time, double interval, List<WorkerHeartbeat> live, double? cost)
        {
            var capacity = live.Sum(w => w.KvCapacityTokens);
            var point = new Point(
                time,
                interval,
                _ttft.Percentiles(0.5, 0.95, 0.99),
                _itl.Percentiles(0.5, 0.95, 0.99),
                _requests,
                _outputTokens,
                live.Sum(w => w.WaitingSequences),
                live.Sum(w => w.RunningSequences),
                live.Count,
                capacity > 0 ? (double)live.Sum(w => w.KvUsedTokens) / capacity : null,
                _cacheReported && _promptTokens > 0 ? (double)_cachedTokens / _promptTokens : null,
                cost);
            _ttft.Clear();
            _itl.Clear();
            _requests = _outputTokens = _promptTokens = _cachedTokens = 0;
            _cacheReported = false;
            return point;
        }
    }
}
