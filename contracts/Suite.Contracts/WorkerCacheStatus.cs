namespace Suite.Contracts;

/// <summary>
/// A worker's prefix cache and observed speeds, carried in its heartbeats. Counters are cumulative since the worker
/// started (vLLM's <c>prefix_cache_queries</c>/<c>hits</c>: prompt tokens looked up and found). <c>KvEventSequence</c>
/// is the last <c>KvBlocksChanged</c> event it published, so a router can tell whether it missed one.
/// <c>QueuedPrefillTokens</c> are prompt tokens admitted or waiting but not yet computed; <c>PrefillTokensPerSecond</c>
/// the observed speed of steps that only prefill (the hardware's nominal figure until one is observed, 0 if unknown);
/// <c>DecodeStepSeconds</c> the observed duration of a step that only decodes, at the current batch;
/// <c>SlotSecondsEwma</c> how long a sequence holds a slot on average; <c>BatchTokens</c> the most tokens in one step.
/// </summary>
public sealed record WorkerCacheStatus(
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
    double SlotSecondsEwma,
    int BatchTokens);
