namespace Suite.Contracts;

/// <summary>
/// Command to one worker: continue these tokens. Sent by the router to the worker's own queue, with the routing
/// decision that the worker echoes back (<see cref="RouteDecision"/>).
/// </summary>
public sealed record GenerateTokens(
    Guid RequestId,
    string Model,
    int[] PromptTokens,
    SamplingParameters Sampling,
    GenerationLimits Limits,
    Uri ReplyAddress,
    int Priority,
    DateTimeOffset AcceptedAt,
    DateTimeOffset RoutedAt,
    Continuation Continuation,
    RouteDecision? Route = null);
