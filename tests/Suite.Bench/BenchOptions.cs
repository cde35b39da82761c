namespace Suite.Bench;

/// <summary>Command-line settings of the bench.</summary>
public sealed record BenchOptions(int[] Concurrency, int Tokens, int Rounds, string? ModelCache, string? Output, string? SuiteUrl)
{
    public static BenchOptions Parse(string[] args)
    {
        int[] concurrency = [1, 16];
        var tokens = 128;
        var rounds = 2;
        string? cache = null;
        string? output = null;
        string? url = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--concurrency":
                    concurrency = args[++i].Split(',').Select(int.Parse).ToArray();
                    break;
                case "--tokens":
                    tokens = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--rounds":
                    rounds = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--model-cache":
                    cache = args[++i];
                    break;
                case "--output":
                    output = args[++i];
                    break;
                case "--suite-url":
                    url = args[++i];
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Use --concurrency 1,16 --tokens 128 --rounds 2 [--model-cache DIR] [--output FILE.md] [--suite-url URL]");
            }
        }

        return new BenchOptions(concurrency, tokens, rounds, cache, output, url);
    }
}
