using Suite.Bench;
using Suite.Models.Catalog;
using Suite.Tokenizer.Core.Loading;

// Engine direct vs embedded suite over HTTP, same model and settings, in one run; prints tokens/s, ratios and TTFT.
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
Console.WriteLine($"Benchmarking {model.Description.Id} ({model.Path})");

var direct = new List<RunResult>();
await using (var engine = new DirectEngineTarget(models))
{
    await engine.StartAsync();
    await engine.RunAsync(2, 1, 16, promptTokens); // warm-up
    foreach (var concurrency in options.Concurrency)
    {
        var result = await engine.RunAsync(concurrency, options.Rounds, options.Tokens, promptTokens);
        Console.WriteLine($"  engine direct  c={concurrency,-3} {result.TokensPerSecond,8:0.0} tok/s  TTFT p50 {result.TtftP50 * 1000:0.0} ms");
        direct.Add(result);
    }
}

var suite = new List<RunResult>();
SuiteProcess? process = null;
try
{
    Uri address;
    if (options.SuiteUrl is { } url)
    {
        address = new Uri(url);
    }
    else
    {
        process = await SuiteProcess.StartAsync(settings.CacheDirectory);
        address = process.Address;
    }

    var target = new HttpSuiteTarget(address, model.Description.Id, "suite (HTTP)");
    await target.RunAsync(2, 1, 16, prompts); // warm-up
    foreach (var concurrency in options.Concurrency)
    {
        var result = await target.RunAsync(concurrency, options.Rounds, options.Tokens, prompts);
        Console.WriteLine($"  suite (HTTP)   c={concurrency,-3} {result.TokensPerSecond,8:0.0} tok/s  TTFT p50 {result.TtftP50 * 1000:0.0} ms");
        suite.Add(result);
    }
}
finally
{
    if (process is not null)
    {
        await process.DisposeAsync();
    }
}

var report = Report.Render(direct.Zip(suite).ToList(), model.Description.Id, options.Tokens, options.Rounds);
Console.WriteLine();
Console.WriteLine(report);
if (options.Output is { } output)
{
    await File.WriteAllTextAsync(output, report);
}
