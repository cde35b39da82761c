namespace Suite.Gateway.Limits;

/// <summary>
/// What a limit store answered: the index of the first check that refused (−1: all passed, and the request was
/// charged unless it was a dry run), the milliseconds until it could pass (−1: never, the request is larger than the
/// limit), whether a revocation mark was found (and which), and each check's value after the request (tokens left in a
/// bucket, requests in flight, tokens used in the period).
/// </summary>
public sealed record LimitOutcome(int Refused, long RetryAfterMs, double[] Values, int RevokedMark = -1)
{
    public bool Allowed => Refused < 0 && RevokedMark < 0;
}
