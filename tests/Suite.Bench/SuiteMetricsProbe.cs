using System.Globalization;
using System.Text.RegularExpressions;

namespace Suite.Bench;

/// <summary>Reads the suite's own counters from /metrics to count bus messages per generated token.</summary>
public static partial class SuiteMetricsProbe
{
    /// <summary>
    /// Messages on a request's path besides its chunks: PrepareGeneration, RouteGeneration, GenerateTokens,
    /// GenerationCompleted and the RequestCompleted lifecycle event.
    /// </summary>
    public const int FixedMessagesPerRequest = 5;

    public static async Task<(double Chunks, double Tokens, double Requests)> ReadAsync(HttpClient http)
    {
        var text = await http.GetStringAsync("/metrics");
        return (Sum(text, "suite:chunk_messages_total"), Sum(text, "vllm:generation_tokens_total"), Sum(text, "vllm:e2e_request_latency_seconds_count"));
    }

    private static double Sum(string text, string name) => Sample().Matches(text)
        .Where(m => m.Groups[1].Value == name)
        .Sum(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^([a-z_:]+)\{[^}]*\} ([0-9.eE+-]+)$", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
