using Suite.Contracts;
using Suite.Gateway.Tenancy;

namespace Suite.Gateway.Sessions;

/// <summary>
/// A validated generation request, whichever door it came through (the OpenAI API or the jobs queue): what the
/// pipeline needs to serve it, and the <see cref="Kind"/> that decides the shape of its answer. <see cref="Caller"/> is
/// who asked (from the API key; a job or batch passes its tenant's caller): the session enforces its model access,
/// placement, limits, fair share and priority ceiling. Null: the anonymous caller, with the priority as given.
/// </summary>
public sealed record GenerationRequest(
    GenerationKind Kind,
    string Model,
    GenerationInput Input,
    SamplingParameters Sampling,
    GenerationLimits Limits,
    int Priority,
    Caller? Caller = null);
