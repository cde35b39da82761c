using Suite.Bench;
using Suite.Models.Catalog;
using Suite.Tokenizer.Core.Loading;

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
Console.WriteLine($"Benchmarking {model.Description.Id} ({model.Path}), engine threads {options.Threads}");

var results = new Dictionary<string, List<RunResult>>();
var messages = new Dictionary<string, double>();

// The engine is measured before and after the suites and the two are averaged: this machine's speed drifts by tens of
// percent over minutes, and a baseline taken only at the start would put that drift into the ratios.
var directBefore = options.Targets.Contains("direct") ? await RunDirectAsync("before") : null;

if (options.Targets.Contains("embedded"))
{
    await using var embedded = await SuiteProcess.StartAsync(settings.CacheDirectory, options.Threads);
    (results["embedded suite"], messages["embedded suite"]) = await RunHttpAsync("embedded suite", embedded.Address);
}

if (options.SuiteUrl is { } running)
{
    // A suite someone already started (any mode, any machine the bench can reach): measured like the others.
    (results["running suite"], messages["running suite"]) = await RunHttpAsync("running suite", running);
}

if (options.Targets.Contains("distributed"))
{
    await using var distributed = await DistributedSuiteProcess.StartAsync("cpu=cpu:1", options.Threads, settings.CacheDirectory);
    (results["distributed suite"], messages["distributed suite"]) = await RunHttpAsync("distributed suite", distributed.Address);
}

if (directBefore is not null)
{
    var directAfter = await RunDirectAsync("after");
    results = new Dictionary<string, List<RunResult>>(results.Prepend(new("engine direct", directBefore.Zip(directAfter, RunResult.Mean).ToList())));
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

var report = Report.Render(results, messages, scale, model.Description.Id, options);
Console.WriteLine();
Console.WriteLine(report);
if (options.Output is { } output)
{
    await File.WriteAllTextAsync(output, report);
}

async Task<List<RunResult>> RunDirectAsync(string when)
{
    await using var engine = new DirectEngineTarget(models, options.Threads);
    await engine.StartAsync();
    await WarmUpAsync(c => engine.RunAsync(c, 1, options.Tokens, promptTokens));
    var list = new List<RunResult>();
    foreach (var concurrency in options.Concurrency)
    {
        var result = await engine.RunAsync(concurrency, options.RoundsAt(concurrency), options.Tokens, promptTokens);
        Console.WriteLine($"  engine direct ({when,-6}) c={concurrency,-3} {result.TokensPerSecond,8:0.0} tok/s  TTFT p50 {result.TtftP50 * 1000:0.0} ms");
        list.Add(result);
    }

    return list;
}

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

async Task<(List<RunResult> Results, double MessagesPerToken)> RunHttpAsync(string label, Uri address)
{
    var target = new HttpSuiteTarget(address, model.Description.Id, label);
    using var http = new HttpClient { BaseAddress = address };
    await WarmUpAsync(c => target.RunAsync(c, 1, options.Tokens, prompts));
    var before = await SuiteMetricsProbe.ReadAsync(http);
    var list = new List<RunResult>();
    foreach (var concurrency in options.Concurrency)
    {
        var result = await target.RunAsync(concurrency, options.RoundsAt(concurrency), options.Tokens, prompts);
        Console.WriteLine($"  {label,-20} c={concurrency,-3} {result.TokensPerSecond,8:0.0} tok/s  TTFT p50 {result.TtftP50 * 1000:0.0} ms");
        list.Add(result);
    }

    // Lifecycle events reach telemetry just after the responses: wait (bounded) until it has counted every request.
    var expected = before.Requests + list.Sum(r => r.Streams);
    var after = await SuiteMetricsProbe.ReadAsync(http);
    for (var i = 0; i < 50 && after.Requests < expected; i++)
    {
        await Task.Delay(100);
        after = await SuiteMetricsProbe.ReadAsync(http);
    }

    var tokens = after.Tokens - before.Tokens;
    var perToken = tokens > 0 ? ((after.Chunks - before.Chunks) + (SuiteMetricsProbe.FixedMessagesPerRequest * (after.Requests - before.Requests))) / tokens : double.NaN;
    return (list, perToken);
}
