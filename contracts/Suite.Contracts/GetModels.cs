namespace Suite.Contracts;

/// <summary>Request to the router: which models are served now (answered with <see cref="ModelsListed"/>).</summary>
public sealed record GetModels(bool IncludeWorkers = false);
