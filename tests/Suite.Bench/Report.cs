using System.Globalization;
using System.Text;

namespace Suite.Bench;

/// <summary>Prints the side-by-side tables with ratios against the engine driven directly.</summary>
public static class Report
{
    private static string Tracing(BenchOptions options) => options.Tracing switch
    {
        "sampled" => "on, 10% of traces sampled, exported over OTLP/HTTP to a local sink",
        "always" => "on, every trace exported over OTLP/HTTP to a local sink",
        _ => "off",
    };

    public static string Render(
        IReadOnlyList<PairedBlock> blocks,
        IReadOnlyDictionary<string, double> messagesPerToken,
        IReadOnlyList<(int Workers, RunResult Result)> scale,
        string model,
        BenchOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Model: {model}; {options.Tokens} generated tokens per request (greedy, ignore_eos), {options.Rounds} requests per stream (at least 16 requests per measurement) after {options.WarmupSeconds:0} s of warm-up per target; engine threads {options.Threads}; {Environment.ProcessorCount} cores; tracing {Tracing(options)}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Each suite was measured {options.Repeats} times at each concurrency, alternating with the engine driven directly (direct, suite, direct, …, direct). ÷ direct is the median over those measurements of the suite's tokens/s over the mean of the two engine measurements around it (range in brackets); tok/s and TTFT pool every measurement; added TTFT compares with the engine measurements of the same block.");
        text.AppendLine();
        text.AppendLine("| target | concurrency | tok/s | ÷ direct (range) | TTFT p50 / p99 ms | added TTFT p50 ms | bus msgs / token |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var concurrency in blocks.Select(b => b.Concurrency).Distinct())
        {
            var directRuns = blocks.Where(b => b.Concurrency == concurrency).SelectMany(b => b.Direct).ToList();
            if (directRuns.Count > 0)
            {
                var pooled = PairedBlock.Pool(directRuns);
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| engine direct | {concurrency} | {pooled.TokensPerSecond:0.0} | 1.000 | {pooled.TtftP50 * 1000:0.0} / {pooled.TtftP99 * 1000:0.0} |  |  |");
            }
        }

        foreach (var block in blocks)
        {
            var run = block.SuitePooled;
            var ratios = block.Ratios;
            var ratio = ratios.Length == 0
                ? ""
                : FormattableString.Invariant($"{PairedBlock.Median(ratios):0.000} ({ratios.Min():0.00}–{ratios.Max():0.00})");
            var added = block.DirectPooled is { } peer ? ((run.TtftP50 - peer.TtftP50) * 1000).ToString("0.0", CultureInfo.InvariantCulture) : "";
            var msgs = messagesPerToken.TryGetValue(block.Target, out var m) ? m.ToString("0.00", CultureInfo.InvariantCulture) : "";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {block.Target} | {block.Concurrency} | {run.TokensPerSecond:0.0} | {ratio} | {run.TtftP50 * 1000:0.0} / {run.TtftP99 * 1000:0.0} | {added} | {msgs} |");
        }

        if (scale.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Scale run: distributed suite with only simulated H100 workers (real-time simulation), 16 concurrent 64-token streams per worker.");
            text.AppendLine();
            text.AppendLine("| sim workers | concurrency | tok/s | tok/s per worker | TTFT p50 / p99 ms |");
            text.AppendLine("|---:|---:|---:|---:|---:|");
            foreach (var (workers, run) in scale)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {workers} | {run.Concurrency} | {run.TokensPerSecond:0.0} | {run.TokensPerSecond / workers:0.0} | {run.TtftP50 * 1000:0.0} / {run.TtftP99 * 1000:0.0} |");
            }
        }

        return text.ToString();
    }
}
