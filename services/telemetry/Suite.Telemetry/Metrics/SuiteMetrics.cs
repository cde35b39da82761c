using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Prometheus;
using Suite.Contracts;

namespace Suite.Telemetry.Metrics;

/// <summary>
/// Every metric the suite exposes on <c>/metrics</c>, kept by prometheus-net, with vLLM's <c>vllm:*</c> names so existing
/// dashboards work (see <see cref="VllmNames"/> for how the colon survives).
/// Labels are <c>model_name</c> (as vLLM) and <c>backend</c> (cpu, cuda, cann, sim), plus <c>pool</c> on the gauges.
/// Latency histograms are fed by one <see cref="RequestCompleted"/> event per request; running/waiting/KV gauges by
/// worker heartbeats, set just before each scrape.
/// </summary>
public sealed class SuiteMetrics
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly string[] ModelBackend = ["model_name", "backend"];
    private static readonly string[] ModelBackendPool = ["model_name", "backend", "pool"];
    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
    private static readonly double[] TokenGapBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
    private static readonly double[] RequestBuckets = [0.01, 0.05, 0.1, 0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];
    private static readonly long HeartbeatTimeout = 3 * Stopwatch.Frequency;

    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly ConcurrentDictionary<string, (WorkerHeartbeat Heartbeat, long At)> _workers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Model, string Backend), BackendStats> _stats = new();
    private readonly Histogram _timeToFirstToken;
    private readonly Histogram _interTokenLatency;
    private readonly Histogram _endToEnd;
    private readonly Histogram _queueTime;
    private readonly Histogram _prefillTime;
    private readonly Histogram _decodeTime;
    private readonly Counter _promptTokens;
    private readonly Counter _generationTokens;
    private readonly Counter _requestSuccess;
    private readonly Counter _requestErrors;
    private readonly Counter _streamChunks;
    private readonly Counter _chunkMessages;
    private readonly Counter _failovers;
    private readonly Gauge _running;
    private readonly Gauge _waiting;
    private readonly Gauge _kvUsage;
    private readonly Gauge _liveWorkers;
    private readonly Gauge _prefixCacheBlocks;

    // Each worker's cumulative prefix-cache counters as last heard, kept after it leaves so the sums never go down.
    private readonly ConcurrentDictionary<string, (string Model, string Backend, long Queries, long Hits)> _prefixCache = new(StringComparer.Ordinal);
    private readonly Counter _prefixCacheQueries;
    private readonly Counter _prefixCacheHits;
    private readonly HashSet<string[]> _published = new(LabelsComparer.Instance);
    private readonly TenantUsageMetrics _tenants;

    public SuiteMetrics()
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(_registry);
        Histogram NewHistogram(string name, string help, double[] buckets) => factory.CreateHistogram(VllmNames.Internal(name), help, new HistogramConfiguration { LabelNames = ModelBackend, Buckets = buckets });
        Counter NewCounter(string name, string help, string[] labels) => factory.CreateCounter(VllmNames.Internal(name), help, new CounterConfiguration { LabelNames = labels });
        Gauge NewGauge(string name, string help, string[] labels) => factory.CreateGauge(VllmNames.Internal(name), help, new GaugeConfiguration { LabelNames = labels });

        _timeToFirstToken = NewHistogram("vllm:time_to_first_token_seconds", "Time from request arrival at the gateway to the first generated token reaching it.", LatencyBuckets);
        _interTokenLatency = NewHistogram("vllm:inter_token_latency_seconds", "Time between consecutive generated tokens of a sequence, as seen by the worker.", TokenGapBuckets);
        _endToEnd = NewHistogram("vllm:e2e_request_latency_seconds", "Time from request arrival at the gateway to its last byte.", RequestBuckets);
        _queueTime = NewHistogram("vllm:request_queue_time_seconds", "Time a sequence waited on its worker for a batch slot.", RequestBuckets);
        _prefillTime = NewHistogram("vllm:request_prefill_time_seconds", "Time the worker spent on a sequence's prompt.", RequestBuckets);
        _decodeTime = NewHistogram("vllm:request_decode_time_seconds", "Time the worker spent generating a sequence's tokens.", RequestBuckets);
        _promptTokens = NewCounter("vllm:prompt_tokens_total", "Prompt tokens processed.", ModelBackend);
        _generationTokens = NewCounter("vllm:generation_tokens_total", "Tokens generated.", ModelBackend);
        _requestSuccess = NewCounter("vllm:request_success_total", "Requests finished, by finish reason.", ["model_name", "backend", "finished_reason"]);
        _requestErrors = NewCounter("suite:request_errors_total", "Requests that ended in an error, by HTTP status.", ["model_name", "status"]);
        _streamChunks = NewCounter("suite:stream_chunks_total", "Chunk messages that carried generated tokens from workers to gateways (bus messages per token = chunks / tokens).", ModelBackend);
        _chunkMessages = NewCounter("suite:chunk_messages_total", "Bus messages that carried chunks to gateways; a batch shared by k streams counts 1/k for each.", ModelBackend);
        _failovers = NewCounter("suite:failovers_total", "Requests resumed on another worker after theirs died.", ModelBackend);

        // Per pool as well as per backend: a pool is what an autoscaler scales (KEDA reads num_requests_waiting{pool}).
        _running = NewGauge("vllm:num_requests_running", "Sequences in a running batch.", ModelBackendPool);
        _waiting = NewGauge("vllm:num_requests_waiting", "Sequences waiting for a batch slot.", ModelBackendPool);
        _kvUsage = NewGauge("vllm:kv_cache_usage_perc", "KV cache use, 0 to 1.", ModelBackendPool);
        _liveWorkers = NewGauge("suite:workers", "Live workers by pool; simulated=\"true\" marks the simulator backend.", ["model_name", "backend", "pool", "simulated"]);
        _prefixCacheBlocks = NewGauge("suite:prefix_cache_blocks", "KV blocks the workers' prefix caches hold.", ModelBackend);
        _prefixCacheQueries = NewCounter("vllm:prefix_cache_queries_total", "Prompt tokens looked up in the prefix cache.", ModelBackend);
        _prefixCacheHits = NewCounter("vllm:prefix_cache_hits_total", "Prompt tokens found in the prefix cache.", ModelBackend);
        _tenants = new TenantUsageMetrics(factory);
        _registry.AddBeforeCollectCallback(SetGauges);
    }

    public void Record(RequestCompleted e)
    {
        _tenants.Record(e);
        if (e.StatusCode >= 400)
        {
            _requestErrors.WithLabels(e.Model, e.StatusCode.ToString(CultureInfo.InvariantCulture)).Inc();
            return;
        }

        var backend = e.Backend.Length == 0 ? "none" : e.Backend;
        var stats = _stats.GetOrAdd((e.Model, backend), _ => new BackendStats());
        stats.Record(e);
        if (e.TimeToFirstTokenSeconds is { } ttft)
        {
            _timeToFirstToken.WithLabels(e.Model, backend).Observe(ttft);
        }

        var gaps = _interTokenLatency.WithLabels(e.Model, backend);
        foreach (var gap in e.InterTokenSeconds)
        {
            gaps.Observe(gap);
        }

        _endToEnd.WithLabels(e.Model, backend).Observe(e.EndToEndSeconds);
        _queueTime.WithLabels(e.Model, backend).Observe(e.QueueSeconds);
        _prefillTime.WithLabels(e.Model, backend).Observe(e.PrefillSeconds);
        _decodeTime.WithLabels(e.Model, backend).Observe(e.DecodeSeconds);
        _promptTokens.WithLabels(e.Model, backend).Inc(e.PromptTokens);
        _generationTokens.WithLabels(e.Model, backend).Inc(e.CompletionTokens);
        _streamChunks.WithLabels(e.Model, backend).Inc(e.Chunks);
        _chunkMessages.WithLabels(e.Model, backend).Inc(e.ChunkMessages);
        if (e.Attempts > 1)
        {
            _failovers.WithLabels(e.Model, backend).Inc(e.Attempts - 1);
        }

        _requestSuccess.WithLabels(e.Model, backend, (e.FinishReason ?? FinishReason.Stop).ToString().ToLowerInvariant()).Inc();
    }

    public void Observe(WorkerHeartbeat heartbeat)
    {
        _workers[heartbeat.WorkerId] = (heartbeat, Stopwatch.GetTimestamp());
        if (heartbeat.Cache is { Enabled: true } cache)
        {
            _prefixCache[heartbeat.WorkerId] = (heartbeat.Model, heartbeat.Backend, cache.QueryTokens, cache.HitTokens);
        }
    }

    public void Forget(string workerId) => _workers.TryRemove(workerId, out _);

    /// <summary>Heartbeats of workers heard from within the timeout.</summary>
    public List<WorkerHeartbeat> LiveWorkers()
    {
        var now = Stopwatch.GetTimestamp();
        return _workers.Values.Where(w => now - w.At <= HeartbeatTimeout).Select(w => w.Heartbeat).ToList();
    }

    /// <summary>What the per-backend comparison reads for one model on one backend (null before its first request).</summary>
    public BackendStats? Stats(string model, string backend) => _stats.GetValueOrDefault((model, backend));

    /// <summary>Writes the Prometheus text exposition of every metric.</summary>
    public async Task WriteAsync(Stream destination, CancellationToken cancellationToken)
    {
        var text = await RenderAsync(cancellationToken).ConfigureAwait(false);
        await destination.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The Prometheus text exposition, as a string.</summary>
    public async Task<string> RenderAsync(CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await _registry.CollectAndExportAsTextAsync(buffer, cancellationToken).ConfigureAwait(false);
        return VllmNames.Restore(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>Sets the heartbeat gauges to the live fleet; label sets of pools that are gone are removed, not left at their last value.</summary>
    private void SetGauges()
    {
        var workers = LiveWorkers();
        lock (_published)
        {
            var current = new HashSet<string[]>(LabelsComparer.Instance);
            foreach (var pool in workers.GroupBy(w => (w.Model, w.Backend, w.Pool)))
            {
                string[] labels = [pool.Key.Model, pool.Key.Backend, pool.Key.Pool];
                current.Add(labels);
                var capacity = pool.Sum(w => w.KvCapacityTokens);
                _running.WithLabels(labels).Set(pool.Sum(w => w.RunningSequences));
                _waiting.WithLabels(labels).Set(pool.Sum(w => w.WaitingSequences));
                _kvUsage.WithLabels(labels).Set(capacity > 0 ? pool.Sum(w => w.KvUsedTokens) / (double)capacity : 0);
            }

            foreach (var pool in workers.GroupBy(w => (w.Model, w.Backend, w.Pool, w.Simulated)))
            {
                string[] labels = [pool.Key.Model, pool.Key.Backend, pool.Key.Pool, pool.Key.Simulated ? "true" : "false"];
                current.Add(labels);
                _liveWorkers.WithLabels(labels).Set(pool.Count());
            }

            foreach (var pool in workers.Where(w => w.Cache is { Enabled: true }).GroupBy(w => (w.Model, w.Backend)))
            {
                current.Add([pool.Key.Model, pool.Key.Backend, "prefix_cache"]);
                _prefixCacheBlocks.WithLabels(pool.Key.Model, pool.Key.Backend).Set(pool.Sum(w => w.Cache!.CachedBlocks));
            }

            foreach (var counters in _prefixCache.Values.GroupBy(c => (c.Model, c.Backend)))
            {
                _prefixCacheQueries.WithLabels(counters.Key.Model, counters.Key.Backend).IncTo(counters.Sum(c => c.Queries));
                _prefixCacheHits.WithLabels(counters.Key.Model, counters.Key.Backend).IncTo(counters.Sum(c => c.Hits));
            }

            foreach (var gone in _published.Where(l => !current.Contains(l)))
            {
                if (gone is [var model, var backend, "prefix_cache"])
                {
                    _prefixCacheBlocks.RemoveLabelled(model, backend);
                }
                else if (gone.Length == 3)
                {
                    _running.RemoveLabelled(gone);
                    _waiting.RemoveLabelled(gone);
                    _kvUsage.RemoveLabelled(gone);
                }
                else
                {
                    _liveWorkers.RemoveLabelled(gone);
                }
            }

            _published.Clear();
            _published.UnionWith(current);
        }
    }

    private sealed class LabelsComparer : IEqualityComparer<string[]>
    {
        public static LabelsComparer Instance { get; } = new();

        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(string[] obj)
        {
            var hash = new HashCode();
            foreach (var label in obj)
            {
                hash.Add(label, StringComparer.Ordinal);
            }

            return hash.ToHashCode();
        }
    }
}
