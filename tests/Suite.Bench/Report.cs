using System.Globalization;
using System.Text;

namespace Suite.Bench;

/// <summary>Prints the side-by-side table with ratios and checks the targets.</summary>
public static class Report
{
    public const double ThroughputTarget = 0.90;
    public const double AddedTtftTargetMs = 5;

    public static string Render(IReadOnlyList<(RunResult Direct, RunResult Suite)> pairs, string model, int tokens, int rounds)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Model: {model}; {tokens} generated tokens per stream (greedy, ignore_eos), {rounds} requests per stream; {Environment.ProcessorCount} cores.");
        text.AppendLine();
        text.AppendLine("| concurrency | engine direct tok/s | suite (HTTP) tok/s | suite ÷ direct | direct TTFT p50 / p99 ms | suite TTFT p50 / p99 ms | added TTFT p50 ms | targets |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (direct, suite) in pairs)
        {
            var ratio = suite.TokensPerSecond / direct.TokensPerSecond;
            var added = (suite.TtftP50 - direct.TtftP50) * 1000;
            var verdict = (ratio >= ThroughputTarget ? "ratio ok" : $"ratio < {ThroughputTarget:0.00}") + ", " + (added <= AddedTtftTargetMs ? "TTFT ok" : $"TTFT > {AddedTtftTargetMs} ms");
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {direct.Concurrency} | {direct.TokensPerSecond:0.0} | {suite.TokensPerSecond:0.0} | {ratio:0.000} | {direct.TtftP50 * 1000:0.0} / {direct.TtftP99 * 1000:0.0} | {suite.TtftP50 * 1000:0.0} / {suite.TtftP99 * 1000:0.0} | {added:0.0} | {verdict} |");
        }

        return text.ToString();
    }
}
