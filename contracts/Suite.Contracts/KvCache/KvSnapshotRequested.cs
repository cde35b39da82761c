namespace Suite.Contracts.KvCache;

/// <summary>A router asks one worker (or every worker, when <c>WorkerId</c> is null) to publish a <see cref="KvCacheSnapshot"/>.</summary>
public sealed record KvSnapshotRequested(string? WorkerId, string RequestedBy);
