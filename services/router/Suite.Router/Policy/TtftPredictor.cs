using Suite.Router.Registry;

namespace Suite.Router.Policy;

/// <summary>
/// Predicts, from a worker's last heartbeat and what was sent to it since, when a request's first token would come:
/// the wait for a slot when every slot is taken (queue ahead ÷ slots × how long a sequence holds one), then the
/// prompt tokens ahead of it and its own uncached ones at the worker's observed prefill speed, plus the decode steps
/// of its running streams that those prefill chunks ride along with (chunks of what the batch has left).
/// </summary>
public static class TtftPredictor
{
    /// <summary>Prefill speed assumed for a worker that has not reported one yet (tokens/s).</summary>
    public const double UnknownPrefillTokensPerSecond = 1000;

    private const int DefaultBatchTokens = 512;

    public static double Predict(WorkerEntry worker, int promptTokens, int cachedTokens)
    {
        var heartbeat = worker.Heartbeat;
        var cache = heartbeat.Cache;
        var rate = cache is { PrefillTokensPerSecond: > 0 } ? cache.PrefillTokensPerSecond : UnknownPrefillTokensPerSecond;
        var step = DecodeStep(worker);
        var running = heartbeat.RunningSequences;
        var work = Math.Max(0, promptTokens - cachedTokens) + (cache?.QueuedPrefillTokens ?? 0) + worker.AssignedPrefillTokens;
        var chunk = Math.Max(1, (cache is { BatchTokens: > 0 } ? cache.BatchTokens : DefaultBatchTokens) - running);
        var steps = Math.Ceiling(work / (double)chunk);
        var prefill = (work / rate) + (running > 0 ? steps * step : 0);
        return SlotWait(worker, step) + prefill;
    }

    /// <summary>Seconds of the worker's prefill that <paramref name="tokens"/> uncached prompt tokens take.</summary>
    public static double PrefillSeconds(WorkerEntry worker, int tokens) =>
        Math.Max(0, tokens) / (worker.Heartbeat.Cache is { PrefillTokensPerSecond: > 0 } c ? c.PrefillTokensPerSecond : UnknownPrefillTokensPerSecond);

    /// <summary>How long a decode step takes on this worker at its current batch (0 when unknown).</summary>
    public static double DecodeStep(WorkerEntry worker)
    {
        var heartbeat = worker.Heartbeat;
        return heartbeat.Cache is { DecodeStepSeconds: > 0 } cache ? cache.DecodeStepSeconds : Math.Max(0, heartbeat.ItlSecondsEwma);
    }

    private static double SlotWait(WorkerEntry worker, double step)
    {
        var heartbeat = worker.Heartbeat;
        var slots = Math.Max(1, heartbeat.MaxSequences);
        var ahead = worker.Load - slots + 1;
        if (ahead <= 0)
        {
            return 0;
        }

        // Slots free up at slots / (seconds a sequence holds one) per second.
        var held = heartbeat.Cache is { SlotSecondsEwma: > 0 } c ? c.SlotSecondsEwma : Math.Max(step * 128, heartbeat.TtftSecondsEwma);
        return ahead * held / slots;
    }
}
