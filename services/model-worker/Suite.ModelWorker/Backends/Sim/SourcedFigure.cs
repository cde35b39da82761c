namespace Suite.ModelWorker.Backends.Sim;

/// <summary>
/// One number in a hardware profile together with where it comes from. <see cref="Estimate"/> is true for every
/// figure that is derived or assumed rather than read off a public document, so nobody mistakes a model for a
/// measurement.
/// </summary>
/// <param name="Name">What the number is, e.g. "memory bandwidth".</param>
/// <param name="Value">The value in <paramref name="Unit"/>.</param>
/// <param name="Unit">The unit, e.g. "TB/s".</param>
/// <param name="Source">The public document (and the figure taken from it) or the derivation from other figures.</param>
/// <param name="Estimate">True when derived or assumed; false when quoted from the source.</param>
public sealed record SourcedFigure(string Name, double Value, string Unit, string Source, bool Estimate);
