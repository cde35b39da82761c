namespace Suite.Contracts;

/// <summary>Event a worker publishes when it shuts down cleanly, so the router drops it at once.</summary>
public sealed record WorkerStopped(string WorkerId, string Reason);
