namespace Suite.Contracts.KvCache;

/// <summary>
/// Every block a worker's prefix cache holds, as of its event <c>Sequence</c> (later events apply on top). Published
/// when the worker starts and whenever a router asks (<see cref="KvSnapshotRequested"/>), so a router's index heals
/// after a restart, a reconnect or a lost event.
/// </summary>
public sealed record KvCacheSnapshot(
    string WorkerId,
    string Model,
    int BlockTokens,
    long Sequence,
    ulong[] Blocks,
    DateTimeOffset SentAt);
