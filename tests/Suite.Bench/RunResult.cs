namespace Suite.Bench;

/// <summary>One measured configuration: generated tokens over wall time, and each stream's time to first token.</summary>
public sealed record RunResult(string Target, int Concurrency, int Streams, long Tokens, double WallSeconds, double[] TtftSeconds)
{
    public double TokensPerSecond => Tokens / WallSeconds;

    /// <summary>Two measurements of the same configuration as one: tokens and time added, TTFT samples pooled.</summary>
    public static RunResult Mean(RunResult a, RunResult b)
        => new(a.Target, a.Concurrency, a.Streams + b.Streams, a.Tokens + b.Tokens, a.WallSeconds + b.WallSeconds, [.. a.TtftSeconds, .. b.TtftSeconds]);

    public double TtftP50 => Percentile(0.50);

    public double TtftP99 => Percentile(0.99);

    private double Percentile(double q)
    {
        var sorted = TtftSeconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = q * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
    }
}
