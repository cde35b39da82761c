namespace Suite.Contracts.KvCache;

/// <summary>
/// Event a worker publishes every few hundred milliseconds while its prefix cache changes: the blocks (by
/// <see cref="PrefixBlockHash"/>) it stored and evicted since its previous event, as net changes. <c>Sequence</c>
/// counts a worker's events from 1; a router that sees a gap asks for a <see cref="KvCacheSnapshot"/>. Applying an
/// event twice, or after a snapshot that already holds it, changes nothing.
/// </summary>
public sealed record KvBlocksChanged(
    string WorkerId,
    string Model,
    int BlockTokens,
    long Sequence,
    ulong[] Stored,
    ulong[] Evicted,
    DateTimeOffset SentAt);
