using Suite.Contracts;

namespace Suite.Gateway.Sessions;

/// <summary>
/// A validated generation request, whichever door it came through (the OpenAI API or the jobs queue): what the
/// pipeline needs to serve it, and the <see cref="Kind"/> that decides the shape of its answer.
/// </summary>
public sealed record GenerationRequest(
    GenerationKind Kind,
    string Model,
    GenerationInput Input,
    SamplingParameters Sampling,
    GenerationLimits Limits,
    int Priority);
