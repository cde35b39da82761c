using Suite.Contracts;
using Suite.ModelWorker.Backends;

namespace Suite.ModelWorker.Hosting;

/// <summary>Builds a worker's heartbeat from its backend's capacity, its latency averages and its price.</summary>
public static class HeartbeatFactory
{
    /// <summary><paramref name="receivedRequests"/> must be read before this call reads the backend's figures (see <see cref="WorkerHeartbeat.ReceivedRequests"/>).</summary>
    public static WorkerHeartbeat Create(WorkerIdentity identity, IInferenceBackend backend, LatencyAverages latency, double? pricePerHour, long? receivedRequests = null)
    {
        var capacity = backend.GetCapacity();
        var (ttft, itl) = latency.Current;
        var cache = capacity.Cache;
        return new WorkerHeartbeat(
            identity.WorkerId,
            identity.Address,
            backend.Info.Name,
            identity.Pool,
            backend.Model.Id,
            backend.Info.Simulated,
            backend.Info.Device,
            capacity.MaxSequences,
            capacity.RunningSequences,
            capacity.WaitingSequences,
            capacity.MaxWaiting,
            capacity.KvCapacityTokens,
            capacity.KvUsedTokens,
            capacity.ContextLength,
            ttft,
            itl,
            DateTimeOffset.UtcNow,
            backend.Model,
            pricePerHour ?? backend.Info.PricePerHourUsd,
            cache is null
                ? null
                : new WorkerCacheStatus(
                    cache.Enabled,
                    cache.BlockTokens,
                    cache.CachedBlocks,
                    cache.CapacityBlocks,
                    cache.QueryTokens,
                    cache.HitTokens,
                    cache.KvEventSequence,
                    cache.QueuedPrefillTokens,
                    cache.PrefillTokensPerSecond,
                    cache.DecodeStepSeconds,
                    cache.SlotSeconds,
                    cache.BatchTokens),
            backend.Info.ConstrainedDecoding,
            receivedRequests);
    }
}
