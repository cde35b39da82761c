namespace Suite.Gateway.Limits;

/// <summary>
/// One counter one request is checked against: its kind, where it is stored, its limit, what this request costs it,
/// for a budget when its period ends (milliseconds since the epoch), and what it counts (for messages and headers).
/// </summary>
public sealed record LimitCheck(LimitKind Kind, LimitMeasure Measure, string Scope, string Key, long Limit, long Cost, long PeriodEndMs = 0);
