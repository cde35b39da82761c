namespace Suite.Gateway.Usage;

/// <summary>Requests (of them, failed: status 400 and above) and tokens, as counted for chargeback.</summary>
public readonly record struct UsageCounts(long Requests, long FailedRequests, long InputTokens, long OutputTokens)
{
    public static UsageCounts operator +(UsageCounts a, UsageCounts b)
        => new(a.Requests + b.Requests, a.FailedRequests + b.FailedRequests, a.InputTokens + b.InputTokens, a.OutputTokens + b.OutputTokens);
}
