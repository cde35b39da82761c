namespace Suite.Contracts;

/// <summary>
/// Why the router picked a worker: the policy, the chosen worker's predicted time to first token, the prompt tokens
/// it already holds in its prefix cache (as the router's index saw it), and the runner-up with its prediction. The
/// worker echoes it to the gateway, which shows it in the <c>X-Suite-Route</c> header.
/// </summary>
public sealed record RouteDecision(
    string Policy,
    string WorkerId,
    double PredictedTtftSeconds,
    int CachedTokens,
    string? RunnerUpWorkerId,
    double? RunnerUpTtftSeconds);
