using System.Diagnostics;
using System.Globalization;
using System.Text;
using Suite.Contracts;
using Suite.ModelWorker;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Hosting;
using Suite.Models.Catalog;
using Suite.Tokenizer.Core;

namespace Suite.Bench.Prefix;

/// <summary>
/// Real llama.cpp (the worker's backend and defaults, CPU) with the prefix cache on and off, side by side in one run:
/// a ten-turn conversation whose prompt grows by the previous reply and a new question each turn (TTFT per turn), a
/// 2,000-token system prompt shared by two requests (second TTFT ÷ first), and decode throughput at 16 streams (what
/// the unified KV cache costs decoding). The two backends alternate request by request, so the machine's drift hits
/// both alike. TTFT is the engine's: from scheduling to the first token.
/// </summary>
internal static class LlamaPrefixBench
{
    public const string Usage = "prefix-cache [--threads 1] [--repeats 3] [--output FILE.md]";

    public static async Task<int> RunAsync(string[] args, ModelResolution models, ITextTokenizer tokenizer)
    {
        var threads = 1;
        var repeats = 3;
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
                case "--output":
                    output = args[++i];
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Use {Usage}");
            }
        }

        var factory = new BackendFactory(models, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await using var cached = await factory.CreateAsync(new ModelWorkerOptions { Threads = threads, PrefixCache = true }, CancellationToken.None);
        await using var uncached = await factory.CreateAsync(new ModelWorkerOptions { Threads = threads, PrefixCache = false }, CancellationToken.None);
        Console.WriteLine($"Prefix cache on llama.cpp: {models.Model.Description.Id}, {cached.Info.Device}");

        // Warm-up: both engines run the same short work first.
        foreach (var backend in new[] { cached, uncached })
        {
            await TtftAsync(backend, Encode(tokenizer, "Warm up the engine with a short prompt."), 8);
        }

        // Decode with nothing cached yet, then again after the runs below have filled the cache.
        var shortPrompts = Enumerable.Range(0, 16).Select(i => Encode(tokenizer, $"Stream {i} begins a story about")).ToArray();
        var decodeEmpty = new List<(double On, double Off)>();
        for (var r = 0; r < repeats; r++)
        {
            decodeEmpty.Add((await DecodeAsync(cached, shortPrompts, 128), await DecodeAsync(uncached, shortPrompts, 128)));
        }

        var turns = new double[2, 10, repeats];
        var turnPrompt = new int[10];
        for (var r = 0; r < repeats; r++)
        {
            // A new conversation each repeat (its own system prompt), so nothing is cached before its first turn.
            var history = Encode(tokenizer, $"<|im_start|>system\nConversation {r}: you are a careful assistant who answers in full sentences.<|im_end|>\n");
            for (var turn = 0; turn < 10; turn++)
            {
                history = [.. history, .. Encode(tokenizer, $"<|im_start|>user\nQuestion {turn + 1} of conversation {r}: {Filler(turn, 60)}<|im_end|>\n<|im_start|>assistant\n")];
                turnPrompt[turn] = history.Length;
                var on = await TtftAsync(cached, history, 32);
                var off = await TtftAsync(uncached, history, 32);
                turns[0, turn, r] = on.Ttft;
                turns[1, turn, r] = off.Ttft;
                history = [.. history, .. on.Tokens, .. Encode(tokenizer, "<|im_end|>\n")];
            }
        }

        var shared = new List<(double First, double Second, double FirstOff, double SecondOff, int Cached)>();
        for (var r = 0; r < repeats; r++)
        {
            var system = Encode(tokenizer, $"<|im_start|>system\nPolicy manual {r}. {Filler(r + 100, 2000)}")[..2000];
            var first = await TtftAsync(cached, [.. system, .. Encode(tokenizer, "<|im_end|>\n<|im_start|>user\nWhat is rule one?<|im_end|>\n<|im_start|>assistant\n")], 16);
            var firstOff = await TtftAsync(uncached, [.. system, .. Encode(tokenizer, "<|im_end|>\n<|im_start|>user\nWhat is rule one?<|im_end|>\n<|im_start|>assistant\n")], 16);
            var second = await TtftAsync(cached, [.. system, .. Encode(tokenizer, "<|im_end|>\n<|im_start|>user\nAnd what does rule two say?<|im_end|>\n<|im_start|>assistant\n")], 16);
            var secondOff = await TtftAsync(uncached, [.. system, .. Encode(tokenizer, "<|im_end|>\n<|im_start|>user\nAnd what does rule two say?<|im_end|>\n<|im_start|>assistant\n")], 16);
            shared.Add((first.Ttft, second.Ttft, firstOff.Ttft, secondOff.Ttft, second.Cached));
        }

        var decode = new List<(double On, double Off)>();
        for (var r = 0; r < repeats; r++)
        {
            var on = await DecodeAsync(cached, shortPrompts, 128);
            var off = await DecodeAsync(uncached, shortPrompts, 128);
            decode.Add((on, off));
        }

        var cachedBlocks = cached.GetCapacity().Cache!.CachedBlocks;
        var report = Render(models.Model.Description.Id, cached.Info.Device, threads, repeats, turns, turnPrompt, shared, decodeEmpty, decode, cachedBlocks, args);
        Console.WriteLine(report);
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, report);
        }

        return 0;
    }

    private static async Task<(double Ttft, List<int> Tokens, int Cached)> TtftAsync(IInferenceBackend backend, int[] prompt, int tokens)
    {
        var started = Stopwatch.GetTimestamp();
        var sequence = backend.Schedule(new SequenceRequest(Guid.NewGuid(), prompt, SamplingParameters.Greedy, tokens, IgnoreEos: true));
        var output = new List<int>();
        double ttft = 0;
        await foreach (var token in sequence.Tokens.ReadAllAsync())
        {
            if (output.Count == 0)
            {
                ttft = Stopwatch.GetElapsedTime(started).TotalSeconds;
            }

            output.Add(token);
        }

        var outcome = await sequence.Completion;
        return (ttft, output, outcome.CachedTokens);
    }

    private static async Task<double> DecodeAsync(IInferenceBackend backend, int[][] prompts, int tokens)
    {
        var started = Stopwatch.GetTimestamp();
        var runs = prompts.Select(p => TtftAsync(backend, p, tokens)).ToList();
        var results = await Task.WhenAll(runs);
        return results.Sum(r => r.Tokens.Count) / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static int[] Encode(ITextTokenizer tokenizer, string text) => tokenizer.Encode(text, addSpecialTokens: false);

    private static string Filler(int seed, int words)
    {
        string[] vocabulary = ["river", "mountain", "ledger", "copper", "signal", "harbor", "lantern", "meadow", "circuit", "orchard", "granite", "compass", "thunder", "velvet", "archive", "beacon"];
        var random = new Random(seed);
        var text = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            text.Append(vocabulary[random.Next(vocabulary.Length)]).Append(i % 12 == 11 ? ". " : " ");
        }

        return text.ToString();
    }

    private static string Render(string model, string device, int threads, int repeats, double[,,] turns, int[] turnPrompt, List<(double First, double Second, double FirstOff, double SecondOff, int Cached)> shared, List<(double On, double Off)> decodeEmpty, List<(double On, double Off)> decode, long cachedBlocks, string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"# Prefix cache on real llama.cpp ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        text.AppendLine();
        text.AppendLine(inv, $"Command: `dotnet run -c Release --project tests/Suite.Bench -- prefix-cache {string.Join(' ', args)}`. Model `{model}` on {device}, {threads} engine thread(s), the worker's defaults (F16 KV cache, 16 sequences × 4,096 tokens); cache on = unified KV cache with shared cells, cache off = one KV stream per sequence. Medians of {repeats} repeats; the two engines alternate request by request on a shared, noisy machine.");
        text.AppendLine();
        text.AppendLine("## Ten-turn conversation (TTFT per turn)");
        text.AppendLine();
        text.AppendLine("| turn | prompt tokens | cache on ms | cache off ms | on ÷ off |");
        text.AppendLine("|---:|---:|---:|---:|---:|");
        for (var turn = 0; turn < 10; turn++)
        {
            var on = Median(Enumerable.Range(0, repeats).Select(r => turns[0, turn, r]));
            var off = Median(Enumerable.Range(0, repeats).Select(r => turns[1, turn, r]));
            text.AppendLine(inv, $"| {turn + 1} | {turnPrompt[turn]} | {on * 1000:0.0} | {off * 1000:0.0} | {on / off:0.000} |");
        }

        var on10 = Median(Enumerable.Range(0, repeats).Select(r => turns[0, 9, r]));
        var off10 = Median(Enumerable.Range(0, repeats).Select(r => turns[1, 9, r]));
        text.AppendLine();
        text.AppendLine(inv, $"Turn ten with the cache: {on10 / off10:0.000}× the TTFT without it (target ≤ 0.3).");
        text.AppendLine();
        text.AppendLine("## 2,000-token shared system prompt");
        text.AppendLine();
        text.AppendLine("| | first request ms | second request ms | second ÷ first | cached tokens of the second |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        text.AppendLine(inv, $"| cache on | {Median(shared.Select(s => s.First)) * 1000:0.0} | {Median(shared.Select(s => s.Second)) * 1000:0.0} | {Median(shared.Select(s => s.Second / s.First)):0.000} | {Median(shared.Select(s => (double)s.Cached)):0} |");
        text.AppendLine(inv, $"| cache off | {Median(shared.Select(s => s.FirstOff)) * 1000:0.0} | {Median(shared.Select(s => s.SecondOff)) * 1000:0.0} | {Median(shared.Select(s => s.SecondOff / s.FirstOff)):0.000} | 0 |");
        text.AppendLine();
        text.AppendLine(inv, $"Second request with the cache: {Median(shared.Select(s => s.Second / s.First)):0.000}× the first's TTFT (target ≤ 0.2).");
        text.AppendLine();
        text.AppendLine("## Decode throughput, 16 streams × 128 tokens");
        text.AppendLine();
        text.AppendLine("| when | cache on (unified KV) tok/s | cache off (split streams) tok/s | on ÷ off (per repeat) |");
        text.AppendLine("|---|---:|---:|---|");
        Row("nothing cached yet", decodeEmpty);
        Row($"after the runs above ({cachedBlocks} cached blocks)", decode);
        void Row(string when, List<(double On, double Off)> rows) =>
            text.AppendLine(inv, $"| {when} | {Median(rows.Select(d => d.On)):0} | {Median(rows.Select(d => d.Off)):0} | {Median(rows.Select(d => d.On / d.Off)):0.000} ({string.Join(", ", rows.Select(d => (d.On / d.Off).ToString("0.000", inv)))}) |");
        return text.ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
