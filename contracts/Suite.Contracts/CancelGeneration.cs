namespace Suite.Contracts;

/// <summary>Event: the client of this request went away; any worker holding it frees its slot.</summary>
public sealed record CancelGeneration(Guid RequestId, string Reason);
