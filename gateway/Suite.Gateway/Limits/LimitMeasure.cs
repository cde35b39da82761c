namespace Suite.Gateway.Limits;

/// <summary>What a limit counts.</summary>
public enum LimitMeasure
{
    Requests,
    InputTokens,
    OutputTokens,
    ConcurrentRequests,
    DailyTokens,
    MonthlyTokens,
}
