namespace Suite.ModelWorker.Scheduling;

/// <summary>Net changes to a prefix cache since the previous batch: stored and evicted block hashes, numbered from 1.</summary>
public sealed record KvEventBatch(long Sequence, ulong[] Stored, ulong[] Evicted);
