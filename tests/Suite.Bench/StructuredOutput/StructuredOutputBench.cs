using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Suite.Contracts;
using Suite.Gateway.StructuredOutput;
using Suite.ModelWorker;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Hosting;
using Suite.Models.Catalog;
using Suite.Tokenizer.Core;

namespace Suite.Bench.StructuredOutput;

/// <summary>
/// What structured output costs decoding: the worker's llama.cpp backend decodes the same prompts free (no grammar),
/// under a grammar that is mostly free text (an array of strings) and under one that is mostly structure (an object
/// of bounded fields), arm after arm in each repeat so the machine's drift hits all alike. Tokens/s is generated
/// tokens over wall time for all streams together.
/// </summary>
internal static class StructuredOutputBench
{
    public const string Usage = "structured-output [--threads 1] [--repeats 5] [--concurrency 1,8] [--tokens 128] [--output FILE.md]";

    private const string RecordSchema = """
        {"type":"object","properties":{"name":{"type":"string","maxLength":12},"age":{"type":"integer","minimum":0,"maximum":120},
         "kind":{"enum":["cat","dog","fish"]},"tags":{"type":"array","items":{"type":"string","maxLength":6},"maxItems":4},
         "born":{"type":"string","format":"date"},"vip":{"type":["boolean","null"]}},
         "required":["name","age","kind","tags","born","vip"],"additionalProperties":false}
        """;

    public static async Task<int> RunAsync(string[] args, ModelResolution models, ITextTokenizer tokenizer)
    {
        var threads = 1;
        var repeats = 5;
        var tokens = 128;
        int[] concurrency = [1, 8];
        string? output = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--threads":
                    threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--repeats":
                    repeats = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--tokens":
                    tokens = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--concurrency":
                    concurrency = [.. args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
                    break;
                case "--output":
                    output = args[++i];
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Use {Usage}");
            }
        }

        var factory = new BackendFactory(models, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await using var backend = await factory.CreateAsync(new ModelWorkerOptions { Threads = threads }, CancellationToken.None);
        var arms = new (string Name, GrammarConstraint? Grammar)[]
        {
            ("free text (no grammar)", null),
            ("json_schema: array of strings", Grammar("""{"type":"array","items":{"type":"string"}}""")),
            ("json_schema: object of bounded fields", Grammar(RecordSchema)),
        };
        Console.WriteLine($"Structured output on llama.cpp: {models.Model.Description.Id}, {backend.Info.Device}");

        var results = new Dictionary<(int Arm, int Concurrency), List<(double TokensPerSecond, double MeanTokens)>>();
        foreach (var streams in concurrency)
        {
            var prompts = Enumerable.Range(0, streams).Select(i => tokenizer.Encode($"Request {i}: describe a pet.", addSpecialTokens: true)).ToArray();
            for (var arm = 0; arm < arms.Length; arm++)
            {
                await DecodeAsync(backend, prompts, arms[arm].Grammar, 16, seed: 0); // warm-up
                results[(arm, streams)] = [];
            }

            for (var r = 0; r < repeats; r++)
            {
                for (var arm = 0; arm < arms.Length; arm++)
                {
                    results[(arm, streams)].Add(await DecodeAsync(backend, prompts, arms[arm].Grammar, tokens, seed: r + 1));
                }
            }
        }

        var report = Render(models.Model.Description.Id, backend.Info.Device, threads, repeats, tokens, concurrency, arms.Select(a => a.Name).ToArray(), results, args);
        Console.WriteLine(report);
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, report);
        }

        return 0;
    }

    private static GrammarConstraint Grammar(string schema)
    {
        using var document = JsonDocument.Parse(schema);
        return new GrammarConstraint(JsonSchemaGrammar.FromSchema(document.RootElement));
    }

    private static async Task<(double TokensPerSecond, double MeanTokens)> DecodeAsync(IInferenceBackend backend, int[][] prompts, GrammarConstraint? grammar, int tokens, int seed)
    {
        var started = Stopwatch.GetTimestamp();
        var runs = prompts.Select(async (prompt, i) =>
        {
            // Free text ignores end-of-generation so every stream decodes its full budget; a grammar ends where it accepts.
            var sampling = new SamplingParameters(Temperature: 0.8f, Seed: (seed * 1000) + i, Grammar: grammar);
            var sequence = backend.Schedule(new SequenceRequest(Guid.NewGuid(), prompt, sampling, tokens, IgnoreEos: grammar is null));
            var count = 0;
            await foreach (var _ in sequence.Tokens.ReadAllAsync())
            {
                count++;
            }

            await sequence.Completion;
            return count;
        }).ToList();
        var counts = await Task.WhenAll(runs);
        return (counts.Sum() / Stopwatch.GetElapsedTime(started).TotalSeconds, counts.Average());
    }

    private static string Render(
        string model,
        string device,
        int threads,
        int repeats,
        int tokens,
        int[] concurrency,
        string[] arms,
        Dictionary<(int Arm, int Concurrency), List<(double TokensPerSecond, double MeanTokens)>> results,
        string[] args)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Structured output: constrained vs free decoding ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"`dotnet run -c Release --project tests/Suite.Bench -- structured-output {string.Join(' ', args)}` — model `{model}` on {device}, {threads} engine thread(s), at most {tokens} tokens per stream, temperature 0.8 (seeded), {repeats} repeats, arms interleaved within each repeat. Tokens/s: all streams' generated tokens over wall time; median over repeats (min–max).");
        text.AppendLine();
        text.AppendLine("The worker samples with its chain first and runs the grammar over the whole vocabulary only when that pick breaks the grammar (as llama.cpp's `common_sampler`). The smoke model has random weights, so its pick almost never fits JSON structure: the object arm is close to the worst case (a full-vocabulary grammar pass at nearly every structural token), while text inside strings mostly passes at the first pick. A model that writes JSON of its own accord is rejected far less often.");
        text.AppendLine();
        text.AppendLine("| streams | arm | tokens/s | vs free | mean tokens per stream |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var streams in concurrency)
        {
            var free = Median(results[(0, streams)].Select(r => r.TokensPerSecond));
            for (var arm = 0; arm < arms.Length; arm++)
            {
                var runs = results[(arm, streams)];
                var median = Median(runs.Select(r => r.TokensPerSecond));
                text.AppendLine(CultureInfo.InvariantCulture, $"| {streams} | {arms[arm]} | {median:F0} ({runs.Min(r => r.TokensPerSecond):F0}–{runs.Max(r => r.TokensPerSecond):F0}) | {median / free:F2} | {Median(runs.Select(r => r.MeanTokens)):F0} |");
            }
        }

        return text.ToString();
    }
}
