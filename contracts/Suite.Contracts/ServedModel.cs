namespace Suite.Contracts;

/// <summary>One served model and where it runs.</summary>
public sealed record ServedModel(ModelDescription Model, IReadOnlyList<string> Backends, IReadOnlyList<WorkerStatus> Workers);
