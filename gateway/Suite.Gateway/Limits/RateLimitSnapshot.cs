namespace Suite.Gateway.Limits;

/// <summary>
/// What OpenAI's <c>x-ratelimit-*</c> headers say after a request: for requests and for tokens, the tightest limit
/// that applies (the one with the least left), what is left of it, and how long until it is full again.
/// </summary>
public sealed record RateLimitSnapshot(
    long? RequestsLimit,
    long RequestsRemaining,
    double RequestsResetSeconds,
    long? TokensLimit,
    long TokensRemaining,
    double TokensResetSeconds);
