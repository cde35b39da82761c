namespace Suite.Contracts;

/// <summary>Models with at least one live worker, each with the backends and workers that serve it.</summary>
public sealed record ModelsListed(IReadOnlyList<ServedModel> Models);
