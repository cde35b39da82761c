namespace Suite.Bench.Fairness;

/// <summary>A clock the benchmark moves: the gateway's admission code reads simulated seconds from it.</summary>
internal sealed class VirtualClock : TimeProvider
{
    public double Seconds { get; set; }

    public override long TimestampFrequency => 1_000_000;

    public override long GetTimestamp() => (long)(Seconds * TimestampFrequency);

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddSeconds(Seconds);
}
