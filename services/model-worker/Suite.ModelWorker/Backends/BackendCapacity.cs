namespace Suite.ModelWorker.Backends;

/// <summary>A snapshot of a backend's load, and of its prefix cache when it keeps one.</summary>
public sealed record BackendCapacity(
    int MaxSequences,
    int RunningSequences,
    int WaitingSequences,
    int MaxWaiting,
    long KvCapacityTokens,
    long KvUsedTokens,
    int ContextLength,
    Scheduling.KvCacheStatistics? Cache = null);
