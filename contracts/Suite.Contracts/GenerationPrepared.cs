namespace Suite.Contracts;

/// <summary>
/// Reply from the tokenizer to the gateway for a <see cref="PrepareGeneration"/> sent with <c>HoldForAdmission</c>: the
/// request encoded and ready for the router, sent back instead of on, because the gateway must admit it with the
/// prompt's real token count (token rate limits and budgets) before it may use the fleet. The gateway then sends
/// <see cref="Route"/> to the router itself.
/// </summary>
public sealed record GenerationPrepared(Guid RequestId, RouteGeneration Route);
