using System.Globalization;
using System.Text;

namespace Suite.Bench;

/// <summary>Prints the side-by-side tables with ratios against the engine driven directly.</summary>
public static class Report
{
    public static string Render(
        IReadOnlyDictionary<string, List<RunResult>> results,
        IReadOnlyDictionary<string, double> messagesPerToken,
        IReadOnlyList<(int Workers, RunResult Result)> scale,
        string model,
        BenchOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Model: {model}; {options.Tokens} generated tokens per request (greedy, ignore_eos), {options.Rounds} requests per stream (at least 16 requests per concurrency) after {options.WarmupSeconds:0} s of warm-up per target; engine threads {options.Threads}; {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Engine direct = measured before and after the suites, combined.");
        text.AppendLine();
        text.AppendLine("| target | concurrency | tok/s | ÷ direct | TTFT p50 / p99 ms | added TTFT p50 ms | bus msgs / token |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        results.TryGetValue("engine direct", out var direct);
        foreach (var (target, runs) in results)
        {
            foreach (var run in runs)
            {
                var peer = direct?.FirstOrDefault(d => d.Concurrency == run.Concurrency);
                var ratio = peer is null ? "" : (run.TokensPerSecond / peer.TokensPerSecond).ToString("0.000", CultureInfo.InvariantCulture);
                var added = peer is null || ReferenceEquals(peer, run) ? "" : ((run.TtftP50 - peer.TtftP50) * 1000).ToString("0.0", CultureInfo.InvariantCulture);
                var msgs = messagesPerToken.TryGetValue(target, out var m) ? m.ToString("0.00", CultureInfo.InvariantCulture) : "";
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {target} | {run.Concurrency} | {run.TokensPerSecond:0.0} | {ratio} | {run.TtftP50 * 1000:0.0} / {run.TtftP99 * 1000:0.0} | {added} | {msgs} |");
            }
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
