using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.EndToEnd.Tests;

/// <summary>
/// One request through the embedded suite, hosted in this process with an in-memory span exporter, is one trace:
/// spans from the gateway, tokenizer, router, worker and telemetry, every parent link intact, GenAI attributes on the
/// generation span, and no prompt text anywhere (content capture is off by default).
/// </summary>
public sealed class TracingTests : IAsyncLifetime
{
    private const string Prompt = "Trace this unusual prompt, please";
    private readonly LockedCollection<Activity> _spans = new();
    private WebApplicationFactory<Program>? _factory;

    public ValueTask InitializeAsync()
    {
        // Read by the host's builder before any test hook runs: environment, as a deployment would set it.
        Environment.SetEnvironmentVariable("Suite__Tracing__Enabled", "true");
        Environment.SetEnvironmentVariable("SUITE_MODEL_CACHE", RepositoryPaths.ModelCache);
        Environment.SetEnvironmentVariable("Worker__Threads", "1");
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
            host.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans))));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        Environment.SetEnvironmentVariable("Suite__Tracing__Enabled", null);
    }

    [Fact]
    public async Task One_request_is_one_trace_across_all_five_services_with_intact_parent_links()
    {
        using var http = _factory!.CreateClient();
        http.Timeout = TimeSpan.FromMinutes(2);
        await Poll.UntilAsync(async () => (await http.GetAsync("/health")).IsSuccessStatusCode, TimeSpan.FromSeconds(120), "the in-process suite to be healthy");
        _spans.Clear();

        using var response = await http.PostAsJsonAsync("/v1/chat/completions", new { model = EmbeddedSuiteFixture.Model, messages = new[] { new { role = "user", content = Prompt } }, max_tokens = 6, temperature = 0 }, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        // The telemetry service records the request after the response: its span is the last to end.
        await Poll.UntilAsync(() => Task.FromResult(Snapshot().Any(s => s.Source.Name == "Suite.Telemetry")), TimeSpan.FromSeconds(30), "the telemetry service's span");
        var generation = Assert.Single(Snapshot(), s => s.Source.Name == "Suite.Gateway" && s.DisplayName == $"chat {EmbeddedSuiteFixture.Model}");
        var trace = Snapshot().Where(s => s.TraceId == generation.TraceId).ToList();

        var sources = trace.Select(s => s.Source.Name).ToHashSet();
        foreach (var service in new[] { "Suite.Gateway", "Suite.Tokenizer", "Suite.Router", "Suite.ModelWorker", "Suite.Telemetry" })
        {
            Assert.True(sources.Contains(service), $"no span from {service}; the trace has: {Describe(trace)}");
        }

        var ids = trace.Select(s => s.SpanId).ToHashSet();
        var roots = trace.Where(s => s.ParentSpanId == default).ToList();
        Assert.True(roots.Count == 1, $"{roots.Count} roots: {Describe(trace)}");
        Assert.All(trace.Where(s => s.ParentSpanId != default), s => Assert.True(ids.Contains(s.ParentSpanId), $"{s.Source.Name} '{s.DisplayName}' has a parent outside the trace"));
        Assert.Equal(ActivityKind.Server, roots[0].Kind);

        Assert.Equal("chat", generation.GetTagItem("gen_ai.operation.name"));
        Assert.Equal(EmbeddedSuiteFixture.Model, generation.GetTagItem("gen_ai.request.model"));
        Assert.Equal(6, generation.GetTagItem("gen_ai.request.max_tokens"));
        Assert.True(generation.GetTagItem("gen_ai.usage.input_tokens") is int input && input > 0, "no input token count");
        Assert.Equal(6, generation.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(["length"], (string[])generation.GetTagItem("gen_ai.response.finish_reasons")!);
        var route = Assert.Single(trace, s => s.Source.Name == "Suite.Router" && s.DisplayName.StartsWith("route", StringComparison.Ordinal));
        Assert.NotNull(route.GetTagItem("suite.router.worker"));
        var generate = Assert.Single(trace, s => s.Source.Name == "Suite.ModelWorker" && s.DisplayName.StartsWith("generate", StringComparison.Ordinal));
        Assert.Contains(trace, s => s.ParentSpanId == generate.SpanId && s.DisplayName == "prefill");
        Assert.Contains(trace, s => s.ParentSpanId == generate.SpanId && s.DisplayName == "decode");

        var text = string.Join("\n", trace.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString()));
        Assert.DoesNotContain(Prompt, text, StringComparison.Ordinal);
    }

    private List<Activity> Snapshot() => _spans.Snapshot();

    private static string Describe(IEnumerable<Activity> spans)
        => string.Join("; ", spans.Select(s => $"{s.Source.Name}:{s.DisplayName}"));
}
