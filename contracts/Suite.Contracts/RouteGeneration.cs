namespace Suite.Contracts;

/// <summary>
/// Command to the router: pick a worker for these prompt tokens. A <see cref="Continuation"/> carries what an earlier
/// attempt produced, so the stream continues elsewhere with nothing lost or repeated. <see cref="Placement"/>: the only
/// pools and backends that may serve it, on this attempt and every later one (null: any).
/// </summary>
public sealed record RouteGeneration(
    Guid RequestId,
    string Model,
    int[] PromptTokens,
    SamplingParameters Sampling,
    GenerationLimits Limits,
    Uri ReplyAddress,
    int Priority,
    DateTimeOffset AcceptedAt,
    Continuation Continuation,
    Placement? Placement = null);
