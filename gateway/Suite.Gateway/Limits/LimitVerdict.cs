using Suite.Contracts;

namespace Suite.Gateway.Limits;

/// <summary>
/// The answer of admission's limit check: the refusal (429 or 401, or 503 when failing closed) or null, the
/// <c>x-ratelimit-*</c> figures (null when no per-minute limit applies or the store was unreachable), and what to settle.
/// </summary>
public sealed record LimitVerdict(PipelineError? Refusal, RateLimitSnapshot? Snapshot, LimitReservation? Reservation)
{
    public static LimitVerdict Unlimited { get; } = new(null, null, null);
}
