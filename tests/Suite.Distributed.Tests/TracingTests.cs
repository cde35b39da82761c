using System.Diagnostics;
using System.Net.Http.Json;
using Suite.Distributed.Tests.Infrastructure;

namespace Suite.Distributed.Tests;

/// <summary>
/// Traces across processes: one request through the distributed suite on RabbitMQ arrives at an OTLP/HTTP receiver as
/// one trace, with spans from the gateway, tokenizer, router, worker and telemetry processes and intact parent links;
/// a job's trace starts at its producer's message.
/// </summary>
[Collection(TracedSuiteCollection.Name)]
public sealed class TracingTests(TracedSuiteFixture traced)
{
    private static readonly string[] Services = ["suite-gateway", "suite-tokenizer", "suite-router", "suite-model-worker", "suite-telemetry"];

    [Fact]
    public async Task A_request_is_one_trace_across_every_process()
    {
        var suite = traced.Suite;
        using var response = await suite.Http.PostAsJsonAsync("/v1/chat/completions", new { model = DistributedSuiteFixture.Model, messages = new[] { new { role = "user", content = "Follow me" } }, max_tokens = 5, temperature = 0 }, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        var generation = await WaitForAsync(() => traced.Receiver.Spans.FirstOrDefault(s => s.Service == "suite-gateway" && s.Name == $"chat {DistributedSuiteFixture.Model}"), "the gateway's generation span");
        var trace = await WaitForTraceAsync(generation.TraceId, spans => Services.All(service => spans.Any(s => s.Service == service)), "spans from every service");

        AssertLinked(trace);
        var root = Assert.Single(trace, s => s.ParentSpanId.Length == 0 || s.ParentSpanId.All(c => c == '0'));
        Assert.Equal("suite-gateway", root.Service);
        Assert.Equal(2, root.Kind); // SPAN_KIND_SERVER
        Assert.Equal(5L, generation.Attributes["gen_ai.usage.output_tokens"]);
        var route = Assert.Single(trace, s => s.Service == "suite-router" && s.Name.StartsWith("route", StringComparison.Ordinal));
        Assert.StartsWith("cpu-", (string)route.Attributes["suite.router.worker"]!, StringComparison.Ordinal);
        Assert.Contains(trace, s => s.Service == "suite-model-worker" && s.Name == "prefill");
        Assert.Contains(trace, s => s.Service == "suite-tokenizer" && s.Scope == "Suite.Pipeline" && s.Attributes["messaging.system"] as string == "rabbitmq");
    }

    [Fact]
    public async Task A_queued_job_trace_starts_at_the_producer_message()
    {
        using var source = new ActivitySource("Suite.Tests.Producer");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Suite.Tests.Producer" or "MassTransit",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        await using var producer = new JobProducer(traced.Suite.Broker.Uri);
        await producer.StartAsync();
        var job = producer.Job("A traced job", 4);
        string traceId;
        using (var produce = source.StartActivity("produce job", ActivityKind.Producer))
        {
            traceId = produce!.TraceId.ToHexString();
            await producer.SubmitAsync(job);
        }

        Assert.True(await producer.WaitAsync(() => !producer.Completed.IsEmpty, TimeSpan.FromSeconds(120)), "the job did not complete:\n" + traced.Suite.Logs());
        var trace = await WaitForTraceAsync(traceId, spans => new[] { "suite-gateway", "suite-tokenizer", "suite-router", "suite-model-worker" }.All(service => spans.Any(s => s.Service == service)), "the job's spans in every service on the producer's trace");
        Assert.Contains(trace, s => s.Service == "suite-gateway" && s.Name == $"text_completion {DistributedSuiteFixture.Model}");
    }

    private static void AssertLinked(List<OtlpSpan> trace)
    {
        var ids = trace.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        foreach (var span in trace.Where(s => s.ParentSpanId.Length > 0 && !s.ParentSpanId.All(c => c == '0')))
        {
            Assert.True(ids.Contains(span.ParentSpanId), $"{span.Service} '{span.Name}' has a parent that is not in the trace: {Describe(trace)}");
        }
    }

    private async Task<OtlpSpan> WaitForAsync(Func<OtlpSpan?> find, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (find() is { } span)
            {
                return span;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"Waited 60 s for {what}; the receiver has {traced.Receiver.Spans.Count} spans: {Describe(traced.Receiver.Spans)}\n{traced.Suite.Logs()}");
    }

    private async Task<List<OtlpSpan>> WaitForTraceAsync(string traceId, Func<List<OtlpSpan>, bool> complete, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        List<OtlpSpan> trace = [];
        while (DateTime.UtcNow < deadline)
        {
            trace = traced.Receiver.Spans.Where(s => s.TraceId == traceId).ToList();
            if (complete(trace))
            {
                // Spans of one trace leave each process in batches: give the last ones a moment to land.
                await Task.Delay(1000, TestContext.Current.CancellationToken);
                return traced.Receiver.Spans.Where(s => s.TraceId == traceId).ToList();
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"Waited 60 s for {what}; trace {traceId} has: {Describe(trace)}");
    }

    private static string Describe(IEnumerable<OtlpSpan> spans) => string.Join("; ", spans.Select(s => $"{s.Service}/{s.Scope}:{s.Name}"));
}
