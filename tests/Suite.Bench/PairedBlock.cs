namespace Suite.Bench;

/// <summary>
/// One suite at one concurrency, measured <c>n</c> times, each measurement between two of the engine's
/// (direct, suite, direct, …, suite, direct): <c>n</c> suite results and <c>n + 1</c> direct ones.
/// </summary>
public sealed class PairedBlock(string target, int concurrency)
{
    public string Target { get; } = target;

    public int Concurrency { get; } = concurrency;

    public List<RunResult> Suite { get; } = [];

    public List<RunResult> Direct { get; } = [];

    /// <summary>Each suite measurement's tokens/s over the mean of the engine's just before and just after it.</summary>
    public double[] Ratios => Direct.Count < Suite.Count + 1
        ? []
        : Suite.Select((s, i) => s.TokensPerSecond / ((Direct[i].TokensPerSecond + Direct[i + 1].TokensPerSecond) / 2)).ToArray();

    public RunResult SuitePooled => Pool(Suite);

    public RunResult? DirectPooled => Direct.Count == 0 ? null : Pool(Direct);

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Measurements of one configuration as one: tokens and time added, TTFT samples pooled.</summary>
    public static RunResult Pool(IReadOnlyList<RunResult> runs) => runs.Skip(1).Aggregate(runs[0], RunResult.Mean);
}
