using System.Globalization;

namespace Suite.Bench;

/// <summary>Command-line settings of the bench.</summary>
public sealed record BenchOptions(int[] Concurrency, int Tokens, int Rounds, int Threads, string[] Targets, int[] SimScale, string? ModelCache, string? Output, double WarmupSeconds, Uri? SuiteUrl, int Repeats, string Tracing = "off")
{
    public const string Usage = "--concurrency 1,16 --tokens 128 --rounds 2 --threads 1 --targets direct,embedded,distributed --sim-scale 1,4,16 --warmup-seconds 8 --repeats 3 [--tracing off|sampled|always] [--suite-url URL] [--model-cache DIR] [--output FILE.md]";

    public static BenchOptions Parse(string[] args)
    {
        int[] concurrency = [1, 16];
        var tokens = 128;
        var rounds = 2;
        var threads = 1;
        string[] targets = ["direct", "embedded", "distributed"];
        int[] simScale = [];
        string? cache = null;
        string? output = null;
        var warmup = 8.0;
        Uri? suiteUrl = null;
        var repeats = 3;
        var tracing = "off";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--concurrency":
                    concurrency = Ints(args[++i]);
                    break;
                case "--tokens":
                    tokens = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--rounds":
                    rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--threads":
                    threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--targets":
                    targets = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries);
                    break;
                case "--sim-scale":
                    simScale = Ints(args[++i]);
                    break;
                case "--model-cache":
                    cache = args[++i];
                    break;
                case "--warmup-seconds":
                    warmup = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--repeats":
                    repeats = Math.Max(1, int.Parse(args[++i], CultureInfo.InvariantCulture));
                    break;
                case "--suite-url":
                    suiteUrl = new Uri(args[++i]);
                    break;
                case "--tracing":
                    tracing = args[++i] is "off" or "sampled" or "always" ? args[i] : throw new ArgumentException("--tracing takes off, sampled (10% of traces) or always.");
                    break;
                case "--output":
                    output = args[++i];
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Use {Usage}");
            }
        }

        return new BenchOptions(concurrency, tokens, rounds, threads, targets, simScale, cache, output, warmup, suiteUrl, repeats, tracing);
    }

    /// <summary>
    /// Requests per stream at <paramref name="concurrency"/>: at least <see cref="Rounds"/>, and enough for 16 requests
    /// in all, so that a single stream's TTFT percentiles do not rest on two or three samples.
    /// </summary>
    public int RoundsAt(int concurrency) => Math.Max(Rounds, (16 + concurrency - 1) / concurrency);

    private static int[] Ints(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
}
