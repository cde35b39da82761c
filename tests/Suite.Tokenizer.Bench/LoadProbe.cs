using System.Diagnostics;
using Suite.Tokenizer.Core.Loading;

namespace Suite.Tokenizer.Bench;

/// <summary>
/// <c>--load-probe &lt;tokenizer.json&gt;</c>: times loading in this (cold) process: from JSON, then the cache's
/// build-and-write, then a read of the cache, with wall and CPU time (a loaded machine inflates wall time).
/// </summary>
internal static class LoadProbe
{
    public static void Run(string path)
    {
        var cacheDirectory = Path.Combine(Path.GetTempPath(), "suite-tokenizer-probe");
        if (Directory.Exists(cacheDirectory) && Environment.GetEnvironmentVariable("PROBE_KEEP_CACHE") != "1")
        {
            Directory.Delete(cacheDirectory, recursive: true);
        }

        Time("first load (JSON, or cache if PROBE_KEEP_CACHE=1)", () => TokenizerCache.FromTokenizerJson(path, cacheDirectory: cacheDirectory));
        Time("load from JSON (warm JIT)", () => TokenizerLoader.FromTokenizerJson(path));
        Time("load from cache (warm JIT)", () => TokenizerCache.FromTokenizerJson(path, cacheDirectory: cacheDirectory));
    }

    private static void Time(string what, Action action)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        action();
        process.Refresh();
        Console.WriteLine($"  {what,-52} {watch.ElapsedMilliseconds,6} ms wall {(process.TotalProcessorTime - cpu).TotalMilliseconds,6:F0} ms CPU");
    }
}
