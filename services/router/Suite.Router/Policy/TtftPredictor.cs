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
        ref readonly var f = ref worker.Figures;
        var rate = f.PrefillTokensPerSecond > 0 ? f.PrefillTokensPerSecond : UnknownPrefillTokensPerSecond;
        var step = f.DecodeStepSeconds;
        var work = Math.Max(0, promptTokens - cachedTokens) + f.QueuedPrefillTokens + worker.AssignedPrefillTokens;
        var chunk = Math.Max(1, (f.BatchTokens > 0 ? f.BatchTokens : DefaultBatchTokens) - f.Running);
        var steps = Math.Ceiling(work / (double)chunk);
        var prefill = (work / rate) + (f.Running > 0 ? steps * step : 0);
        return SlotWait(worker, f, step) + prefill;
    }

    /// <summary>Seconds of the worker's prefill that <paramref name="tokens"/> uncached prompt tokens take.</summary>
    public static double PrefillSeconds(WorkerEntry worker, int tokens)
    {
        var rate = worker.Figures.PrefillTokensPerSecond;
        return Math.Max(0, tokens) / (rate > 0 ? rate : UnknownPrefillTokensPerSecond);
    }

    /// <summary>How long a decode step takes on this worker at its current batch (0 when unknown).</summary>
    public static double DecodeStep(WorkerEntry worker) => worker.Figures.DecodeStepSeconds;

    private static double SlotWait(WorkerEntry worker, in WorkerFigures f, double step)
    {
        var slots = Math.Max(1, f.MaxSequences);
        var ahead = worker.Load - slots + 1;
        if (ahead <= 0)
        {
            return 0;
        }

        // Slots free up at slots / (seconds a sequence holds one) per second.
        var held = f.SlotSeconds > 0 ? f.SlotSeconds : Math.Max(step * 128, f.TtftSeconds);
        return ahead * held / slots;
    }
}
