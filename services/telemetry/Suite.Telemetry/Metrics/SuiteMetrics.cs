using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Suite.Contracts;

namespace Suite.Telemetry.Metrics;

/// <summary>
/// Every metric the suite exposes. Names follow vLLM's (<c>vllm:*</c>) so existing dashboards work; labels are
/// <c>model_name</c> (as vLLM) and <c>backend</c> (cpu, cuda, cann, sim). Latency histograms are fed by one
/// <see cref="RequestCompleted"/> event per request; running/waiting/KV gauges by worker heartbeats.
/// </summary>
public sealed class SuiteMetrics
{
    private static readonly string[] ModelBackend = ["model_name", "backend"];
    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
    private static readonly double[] TokenGapBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
    private static readonly double[] RequestBuckets = [0.01, 0.05, 0.1, 0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];
    private static readonly long HeartbeatTimeout = 3 * Stopwatch.Frequency;

    private readonly ConcurrentDictionary<string, (WorkerHeartbeat Heartbeat, long At)> _workers = new(StringComparer.Ordinal);

    // Each worker's cumulative prefix-cache counters as last heard, kept after it leaves so the sums never go down.
    private readonly ConcurrentDictionary<string, (string Model, string Backend, long Queries, long Hits)> _prefixCache = new(StringComparer.Ordinal);

    public Histogram TimeToFirstToken { get; } = new("vllm:time_to_first_token_seconds", "Time from request arrival at the gateway to the first generated token reaching it.", ModelBackend, LatencyBuckets);

    public Histogram InterTokenLatency { get; } = new("vllm:inter_token_latency_seconds", "Time between consecutive generated tokens of a sequence, as seen by the worker.", ModelBackend, TokenGapBuckets);

    public Histogram EndToEnd { get; } = new("vllm:e2e_request_latency_seconds", "Time from request arrival at the gateway to its last byte.", ModelBackend, RequestBuckets);

    public Histogram QueueTime { get; } = new("vllm:request_queue_time_seconds", "Time a sequence waited on its worker for a batch slot.", ModelBackend, RequestBuckets);

    public Histogram PrefillTime { get; } = new("vllm:request_prefill_time_seconds", "Time the worker spent on a sequence's prompt.", ModelBackend, RequestBuckets);

    public Histogram DecodeTime { get; } = new("vllm:request_decode_time_seconds", "Time the worker spent generating a sequence's tokens.", ModelBackend, RequestBuckets);

    public Counter PromptTokens { get; } = new("vllm:prompt_tokens_total", "Prompt tokens processed.", ModelBackend);

    public Counter GenerationTokens { get; } = new("vllm:generation_tokens_total", "Tokens generated.", ModelBackend);

    public Counter RequestSuccess { get; } = new("vllm:request_success_total", "Requests finished, by finish reason.", ["model_name", "backend", "finished_reason"]);

    public Counter StreamChunks { get; } = new("suite:stream_chunks_total", "Chunk messages that carried generated tokens from workers to gateways (bus messages per token = chunks / tokens).", ModelBackend);

    public Counter ChunkMessages { get; } = new("suite:chunk_messages_total", "Bus messages that carried chunks to gateways; a batch shared by k streams counts 1/k for each.", ModelBackend);

    public Counter Failovers { get; } = new("suite:failovers_total", "Requests resumed on another worker after theirs died.", ModelBackend);

    public Counter RequestErrors { get; } = new("suite:request_errors_total", "Requests that ended in an error, by HTTP status.", ["model_name", "status"]);

    public void Record(RequestCompleted e)
    {
        string[] labels = [e.Model, e.Backend.Length == 0 ? "none" : e.Backend];
        if (e.StatusCode >= 400)
        {
            RequestErrors.Add([e.Model, e.StatusCode.ToString(CultureInfo.InvariantCulture)]);
            return;
        }

        if (e.TimeToFirstTokenSeconds is { } ttft)
        {
            TimeToFirstToken.Observe(labels, ttft);
        }

        if (e.InterTokenSeconds.Length > 0)
        {
            Span<double> gaps = e.InterTokenSeconds.Length <= 4096 ? stackalloc double[e.InterTokenSeconds.Length] : new double[e.InterTokenSeconds.Length];
            for (var i = 0; i < gaps.Length; i++)
            {
                gaps[i] = e.InterTokenSeconds[i];
            }

            InterTokenLatency.Observe(labels, gaps);
        }

        EndToEnd.Observe(labels, e.EndToEndSeconds);
        QueueTime.Observe(labels, e.QueueSeconds);
        PrefillTime.Observe(labels, e.PrefillSeconds);
        DecodeTime.Observe(labels, e.DecodeSeconds);
        PromptTokens.Add(labels, e.PromptTokens);
        GenerationTokens.Add(labels, e.CompletionTokens);
        StreamChunks.Add(labels, e.Chunks);
        ChunkMessages.Add(labels, e.ChunkMessages);
        if (e.Attempts > 1)
        {
            Failovers.Add(labels, e.Attempts - 1);
        }

        RequestSuccess.Add([e.Model, labels[1], (e.FinishReason ?? FinishReason.Stop).ToString().ToLowerInvariant()]);
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

    public string Render()
    {
        var text = new StringBuilder(16 * 1024);
        var workers = LiveWorkers();
        var byModelBackend = workers.GroupBy(w => (w.Model, w.Backend)).ToList();
        PrometheusText.AppendGauge(text, "vllm:num_requests_running", "Sequences in a running batch.", ModelBackend,
            byModelBackend.Select(g => (new[] { g.Key.Model, g.Key.Backend }, (double)g.Sum(w => w.RunningSequences))));
        PrometheusText.AppendGauge(text, "vllm:num_requests_waiting", "Sequences waiting for a batch slot.", ModelBackend,
            byModelBackend.Select(g => (new[] { g.Key.Model, g.Key.Backend }, (double)g.Sum(w => w.WaitingSequences))));
        PrometheusText.AppendGauge(text, "vllm:kv_cache_usage_perc", "KV cache use, 0 to 1.", ModelBackend,
            byModelBackend.Select(g => (new[] { g.Key.Model, g.Key.Backend }, g.Sum(w => w.KvCapacityTokens) is var cap and > 0 ? g.Sum(w => w.KvUsedTokens) / (double)cap : 0)));
        PrometheusText.AppendGauge(text, "suite:workers", "Live workers by pool; simulated=\"true\" marks the simulator backend.", ["model_name", "backend", "pool", "simulated"],
            workers.GroupBy(w => (w.Model, w.Backend, w.Pool, w.Simulated)).Select(g => (new[] { g.Key.Model, g.Key.Backend, g.Key.Pool, g.Key.Simulated ? "true" : "false" }, (double)g.Count())));
        var cached = workers.Where(w => w.Cache is { Enabled: true }).GroupBy(w => (w.Model, w.Backend)).ToList();
        PrometheusText.AppendGauge(text, "suite:prefix_cache_blocks", "KV blocks the workers' prefix caches hold.", ModelBackend,
            cached.Select(g => (new[] { g.Key.Model, g.Key.Backend }, (double)g.Sum(w => w.Cache!.CachedBlocks))));
        var counters = _prefixCache.Values.GroupBy(c => (c.Model, c.Backend)).ToList();
        AppendCounter(text, "vllm:prefix_cache_queries_total", "Prompt tokens looked up in the prefix cache.", ModelBackend,
            counters.Select(g => (new[] { g.Key.Model, g.Key.Backend }, (double)g.Sum(c => c.Queries))));
        AppendCounter(text, "vllm:prefix_cache_hits_total", "Prompt tokens found in the prefix cache.", ModelBackend,
            counters.Select(g => (new[] { g.Key.Model, g.Key.Backend }, (double)g.Sum(c => c.Hits))));
        TimeToFirstToken.WriteTo(text);
        InterTokenLatency.WriteTo(text);
        EndToEnd.WriteTo(text);
        QueueTime.WriteTo(text);
        PrefillTime.WriteTo(text);
        DecodeTime.WriteTo(text);
        PromptTokens.WriteTo(text);
        GenerationTokens.WriteTo(text);
        RequestSuccess.WriteTo(text);
        RequestErrors.WriteTo(text);
        StreamChunks.WriteTo(text);
        ChunkMessages.WriteTo(text);
        Failovers.WriteTo(text);
        return text.ToString();
    }

    private static void AppendCounter(StringBuilder text, string name, string help, string[] labelNames, IEnumerable<(string[] Labels, double Value)> series)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" counter\n");
        foreach (var (labels, value) in series)
        {
            text.Append(name).Append('{');
            PrometheusText.AppendLabels(text, labelNames, labels);
            text.Append("} ").Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}
