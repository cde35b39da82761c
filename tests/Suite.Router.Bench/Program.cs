using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Suite.Contracts.KvCache;
using Suite.Router.Bench;

// BenchmarkDotNet for the means (in process, so no project is generated and rebuilt), then each decision timed
// one by one for its percentiles, which BenchmarkDotNet's per-iteration statistics do not give.
if (!args.Contains("--percentiles-only"))
{
    var job = Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10);
    BenchmarkRunner.Run<RouterBenchmarks>(DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.DisableOptimizationsValidator));
}

var fleet = new Fleet(workers: 1000, chainsPerWorker: 4, blocksPerChain: 250);
var random = new Random(11);
var requests = Enumerable.Range(0, 1024).Select(i => (int[])[.. fleet.Prompts[random.Next(fleet.Prompts.Count)], .. Fleet.Tokens(random, 40)]).ToArray();
for (var i = 0; i < 2000; i++)
{
    fleet.Decider.Decide(Fleet.Model, requests[i & 1023], 0, 128, []);
}

const int Decisions = 20_000;
var times = new double[Decisions];

// On a shared machine a timed decision also counts the time the thread was preempted; CPU time per decision is not.
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var wall = Stopwatch.StartNew();
for (var i = 0; i < Decisions; i++)
{
    var started = Stopwatch.GetTimestamp();
    fleet.Decider.Decide(Fleet.Model, requests[i & 1023], 0, 128, []);
    times[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
}

wall.Stop();
var cpuMicroseconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / Decisions;
Array.Sort(times);
var blocks = Enumerable.Range(0, 200).Select(_ => PrefixBlockHash.Compute(Fleet.Model, Fleet.Tokens(random, 16_000), 16)).ToArray();
var ingest = Stopwatch.StartNew();
long ingested = 0;
for (var i = 0; i < blocks.Length; i++)
{
    fleet.Index.Apply(1, new KvBlocksChanged("worker-0001", Fleet.Model, 16, 2 + i, blocks[i], [], DateTimeOffset.UtcNow));
    ingested += blocks[i].Length;
}

ingest.Stop();
var inv = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(inv, $"Decisions, 1,000 workers, {fleet.Index.BlockCount:N0} indexed blocks: p50 {times[Decisions / 2]:0.0} µs, p90 {times[(int)(Decisions * 0.9)]:0.0} µs, p99 {times[(int)(Decisions * 0.99)]:0.0} µs, max {times[^1]:0.0} µs (target p99 ≤ 50 µs); CPU time {cpuMicroseconds:0.0} µs per decision against {wall.Elapsed.TotalMicroseconds / Decisions:0.0} µs of wall time"));
Console.WriteLine(string.Create(inv, $"Ingestion: {ingested:N0} blocks in {ingest.Elapsed.TotalMilliseconds:0} ms = {ingested / ingest.Elapsed.TotalSeconds:N0} blocks/s (target ≥ 200,000)"));
