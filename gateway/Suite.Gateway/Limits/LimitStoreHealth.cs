namespace Suite.Gateway.Limits;

/// <summary>How the limit store is doing, as <c>/health</c> shows it: which store, whether it answered last, and the policy while it does not.</summary>
public sealed record LimitStoreHealth(string Store, bool Reachable, string Policy, string? LastError, DateTimeOffset? UnreachableSince);
