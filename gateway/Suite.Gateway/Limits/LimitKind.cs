namespace Suite.Gateway.Limits;

/// <summary>The kinds of counter a limit is kept in.</summary>
public enum LimitKind
{
    /// <summary>A token bucket that refills its whole capacity per minute (requests, input or output tokens per minute).</summary>
    PerMinute,

    /// <summary>Requests in flight, each holding a lease.</summary>
    Concurrent,

    /// <summary>Tokens used in a calendar period (UTC day or month).</summary>
    Budget,
}
