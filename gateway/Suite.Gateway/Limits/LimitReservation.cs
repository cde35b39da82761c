namespace Suite.Gateway.Limits;

/// <summary>
/// What a request was charged at admission (<see cref="Checks"/>, each with its cost) and under which member name it
/// holds concurrency places, so that it can be settled against what it really used when it ends.
/// </summary>
public sealed record LimitReservation(string Member, IReadOnlyList<LimitCheck> Checks);
