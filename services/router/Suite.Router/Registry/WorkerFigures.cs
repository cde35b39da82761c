using Suite.Contracts;

namespace Suite.Router.Registry;

/// <summary>What the routing policies read of a worker's heartbeat, as one value (see <see cref="WorkerEntry.Figures"/>).</summary>
public readonly record struct WorkerFigures(
    int Running,
    int Waiting,
    int MaxSequences,
    int MaxWaiting,
    bool CacheEnabled,
    int BlockTokens,
    long QueuedPrefillTokens,
    double PrefillTokensPerSecond,
    double DecodeStepSeconds,
    double SlotSeconds,
    int BatchTokens,
    double TtftSeconds,
    double PricePerHour)
{
    public static WorkerFigures From(WorkerHeartbeat heartbeat)
    {
        var cache = heartbeat.Cache;
        return new WorkerFigures(
            heartbeat.RunningSequences,
            heartbeat.WaitingSequences,
            heartbeat.MaxSequences,
            heartbeat.MaxWaiting,
            cache is { Enabled: true, BlockTokens: > 0 },
            cache?.BlockTokens ?? 0,
            cache?.QueuedPrefillTokens ?? 0,
            cache?.PrefillTokensPerSecond ?? 0,
            cache is { DecodeStepSeconds: > 0 } ? cache.DecodeStepSeconds : Math.Max(0, heartbeat.ItlSecondsEwma),
            cache?.SlotSecondsEwma ?? 0,
            cache?.BatchTokens ?? 0,
            heartbeat.TtftSecondsEwma,
            heartbeat.PricePerHourUsd ?? 0);
    }
}
