namespace Suite.Contracts;

/// <summary>
/// Command to the router: pick a worker for these prompt tokens. <see cref="GeneratedTokens"/> carries tokens already
/// produced by an earlier attempt, so a stream can continue elsewhere with nothing lost or repeated.
/// </summary>
public sealed record RouteGeneration(
    Guid RequestId,
    string Model,
    int[] PromptTokens,
    int[] GeneratedTokens,
    SamplingParameters Sampling,
    GenerationLimits Limits,
    Uri ReplyAddress,
    int Priority,
    int Attempt,
    DateTimeOffset AcceptedAt);
