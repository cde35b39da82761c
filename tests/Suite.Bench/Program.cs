using Suite.Bench;
using Suite.Bench.Prefix;
using Suite.ModelWorker.Backends.Sim;
using Suite.Models.Catalog;
using Suite.Tokenizer.Core.Loading;

// Prefix-cache benchmarks have commands of their own: "fleet" (routing policies on a simulated fleet) and
// "prefix-cache" (real llama.cpp with the cache on and off); "fairness" (weighted-fair admission under overload);
// "structured-output" (real llama.cpp decoding free and under JSON-schema grammars).
if (args.Length > 0 && args[0] == "fleet")
{
    var fleetModel = new ModelResolution(ModelCatalogSettings.FromEnvironment()).Model;
    return await FleetBench.RunAsync(args[1..], SimulatedVocabulary.FromGguf(fleetModel.Path), fleetModel.Description);
}

if (args.Length > 0 && args[0] == "fairness")
{
    var fairnessModel = new ModelResolution(ModelCatalogSettings.FromEnvironment()).Model;
    return await Suite.Bench.Fairness.FairnessBench.RunAsync(args[1..], SimulatedVocabulary.FromGguf(fairnessModel.Path), fairnessModel.Description);
}

if (args.Length > 0 && args[0] == "prefix-cache")
{
    var prefixModels = new ModelResolution(ModelCatalogSettings.FromEnvironment());
    return await LlamaPrefixBench.RunAsync(args[1..], prefixModels, TokenizerLoader.FromGguf(prefixModels.Model.Path));
}

if (args.Length > 0 && args[0] == "structured-output")
{
    var structuredModels = new ModelResolution(ModelCatalogSettings.FromEnvironment());
    return await Suite.Bench.StructuredOutput.StructuredOutputBench.RunAsync(args[1..], structuredModels, TokenizerLoader.FromGguf(structuredModels.Model.Path));
}

// The engine driven directly vs the embedded suite vs the distributed suite (RabbitMQ), same model and settings, in
// one run; then an optional scale run over simulated workers. Prints tokens/s, ratios, TTFT and bus messages per token.
var options = BenchOptions.Parse(args);
var settings = ModelCatalogSettings.FromEnvironment() with { CacheDirectory = options.ModelCache ?? ModelCatalogSettings.FromEnvironment().CacheDirectory };
var models = new ModelResolution(settings);
var model = models.Model;
var tokenizer = TokenizerLoader.FromGguf(model.Path);
string[] prompts =
[
    "The history of the printing press begins",
    "In a distant galaxy, a small robot",
    "def fibonacci(n):\n    \"\"\"Return the n-th Fibonacci number.\"\"\"",
    "Recipe for a quick tomato soup: first,",
];
var promptTokens = prompts.Select(p => tokenizer.Encode(p, addSpecialTokens: true)).ToArray();
Console.WriteLine($"Benchmarking {model.Description.Id} ({model.Path}), engine threads {options.Threads}, tracing {options.Tracing}");

// Traced: every suite this bench starts exports its spans over OTLP to a local sink (the engine direct is untraced,
// so the ratios say what tracing costs the suite).
await using var sink = options.Tracing == "off" ? null : OtlpSink.Start(options.Tracing);

var blocks = new List<PairedBlock>();
var messages = new Dictionary<string, double>();

// The engine stays loaded in this process for the whole run, idle while a suite is measured. Each suite's measurements
// alternate with the engine's, at every concurrency: direct, suite, direct, suite, …, direct. This machine's speed
// drifts by tens of percent over minutes; a baseline taken only at the start (or averaged over start and end) would put
// that drift into the ratios. Each suite measurement is compared with the two engine measurements around it.
var direct = options.Targets.Contains("direct") ? new DirectEngineTarget(models, options.Threads) : null;
if (direct is not null)
{
    await direct.StartAsync();
    await WarmUpAsync(c => direct.RunAsync(c, 1, options.Tokens, promptTokens));
}

if (options.Targets.Contains("embedded"))
{
    await using var embedded = await SuiteProcess.StartAsync(settings.CacheDirectory, options.Threads);
    await MeasureSuiteAsync("embedded suite", embedded.Address);
}

if (options.SuiteUrl is { } running)
{
    // A suite someone already started (any mode, any machine the bench can reach): measured like the others.
    await MeasureSuiteAsync("running suite", running);
}

if (options.Targets.Contains("distributed"))
{
    await using var distributed = await DistributedSuiteProcess.StartAsync("cpu=cpu:1", options.Threads, settings.CacheDirectory);
    await MeasureSuiteAsync("distributed suite", distributed.Address);
}

if (direct is not null)
{
    await direct.DisposeAsync();
}

var scale = new List<(int Workers, RunResult Result)>();
foreach (var workers in options.SimScale)
{
    await using var simulated = await DistributedSuiteProcess.StartAsync($"sim=sim:{workers}", options.Threads, settings.CacheDirectory);
    var target = new HttpSuiteTarget(simulated.Address, model.Description.Id, $"sim x{workers}");
    await target.RunAsync(workers, 1, 8, prompts); // warm-up
    var result = await target.RunAsync(16 * workers, 1, 64, prompts);
    Console.WriteLine($"  sim workers {workers,-3} c={16 * workers,-4} {result.TokensPerSecond,8:0.0} tok/s  TTFT p50 {result.TtftP50 * 1000:0.0} ms");
    scale.Add((workers, result));
}

var report = Report.Render(blocks, messages, scale, model.Description.Id, options);
if (sink is not null)
{
    report += FormattableString.Invariant($"\nThe suites exported {sink.Exports} OTLP batches ({sink.Bytes / 1024.0:0} KiB) to the sink during the run.\n");
}

Console.WriteLine();
Console.WriteLine(report);
if (options.Output is { } output)
{
    await File.WriteAllTextAsync(output, report);
}

return 0;

// Every target gets the same warm-up before it is measured: full-length requests at each measured concurrency, repeated
// until the warm-up time is spent. A freshly started .NET process runs unoptimised (tier-0) code for its first seconds
// of traffic, and a freshly started suite has five such processes; measuring that would compare start-up, not serving.
async Task WarmUpAsync(Func<int, Task<RunResult>> run)
{
    var started = System.Diagnostics.Stopwatch.GetTimestamp();
    do
    {
        foreach (var concurrency in options.Concurrency)
        {
            await run(concurrency);
        }
    }
    while (System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds < options.WarmupSeconds);
}

async Task MeasureSuiteAsync(string label, Uri address)
{
    var target = new HttpSuiteTarget(address, model.Description.Id, label);
    using var http = new HttpClient { BaseAddress = address };
    await WarmUpAsync(c => target.RunAsync(c, 1, options.Tokens, prompts));
    var before = await SuiteMetricsProbe.ReadAsync(http);
    var requests = 0;
    foreach (var concurrency in options.Concurrency)
    {
        var rounds = options.RoundsAt(concurrency);
        var block = new PairedBlock(label, concurrency);
        for (var repeat = 0; repeat < options.Repeats; repeat++)
        {
            if (direct is not null)
            {
                block.Direct.Add(await MeasureAsync("engine direct", concurrency, () => direct.RunAsync(concurrency, rounds, options.Tokens, promptTokens)));
            }

            block.Suite.Add(await MeasureAsync(label, concurrency, () => target.RunAsync(concurrency, rounds, options.Tokens, prompts)));
        }

        if (direct is not null)
        {
            block.Direct.Add(await MeasureAsync("engine direct", concurrency, () => direct.RunAsync(concurrency, rounds, options.Tokens, promptTokens)));
        }

        requests += block.Suite.Sum(r => r.Streams);
        blocks.Add(block);
    }

    // Lifecycle events reach telemetry just after the responses: wait (bounded) until it has counted every request.
    var expected = before.Requests + requests;
    var after = await SuiteMetricsProbe.ReadAsync(http);
    for (var i = 0; i < 50 && after.Requests < expected; i++)
    {
        await Task.Delay(100);
        after = await SuiteMetricsProbe.ReadAsync(http);
    }

    var tokens = after.Tokens - before.Tokens;
    messages[label] = tokens > 0 ? ((after.Chunks - before.Chunks) + (SuiteMetricsProbe.FixedMessagesPerRequest * (after.Requests - before.Requests))) / tokens : double.NaN;
}

static async Task<RunResult> MeasureAsync(string label, int concurrency, Func<Task<RunResult>> run)
{
    var result = await run();
    Console.WriteLine($"  {label,-20} c={concurrency,-3} {result.TokensPerSecond,8:0.0} tok/s  TTFT p50 {result.TtftP50 * 1000:0.0} ms");
    return result;
}
