namespace Suite.ModelWorker.Scheduling;

/// <summary>
/// The prefix cache's size and counters, and the observed speeds a router predicts with: cumulative prompt tokens
/// looked up and found (vLLM's prefix_cache_queries/hits), the last KV event batch number, prompt tokens admitted or
/// waiting but not computed yet, the speed of prefill-only steps, the duration of decode-only steps at the current
/// batch, how long a sequence holds a slot, and the step budget.
/// </summary>
public sealed record KvCacheStatistics(
    bool Enabled,
    int BlockTokens,
    long CachedBlocks,
    long CapacityBlocks,
    long QueryTokens,
    long HitTokens,
    long KvEventSequence,
    long QueuedPrefillTokens,
    double PrefillTokensPerSecond,
    double DecodeStepSeconds,
    double SlotSeconds,
    int BatchTokens);
