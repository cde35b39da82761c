namespace Suite.Contracts;

/// <summary>
/// Event: stop a request. Every worker hears it. Without <paramref name="WorkerId"/> (the client went away) any worker
/// holding the request frees its slot. With it (a failover away from a worker that only looked dead) only that worker
/// stops, and only attempts up to <paramref name="Attempt"/>: the resumed attempt, which may already run elsewhere,
/// must not be hit by the cancellation of the one it replaces.
/// </summary>
public sealed record CancelGeneration(Guid RequestId, string Reason, string? WorkerId = null, int? Attempt = null);
