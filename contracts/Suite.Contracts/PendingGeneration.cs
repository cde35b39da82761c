namespace Suite.Contracts;

/// <summary>One request a worker holds (waiting for a slot or prefilling), and which attempt of it.</summary>
public sealed record PendingGeneration(Guid RequestId, int Attempt);
