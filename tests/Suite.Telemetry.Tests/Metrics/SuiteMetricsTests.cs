using System.Globalization;
using Suite.Contracts;
using Suite.Telemetry.Metrics;

namespace Suite.Telemetry.Tests.Metrics;

public sealed class SuiteMetricsTests
{
    [Fact]
    public async Task RenderAsync_AfterRequests_HistogramsCountEveryObservationInVllmNames()
    {
        var metrics = new SuiteMetrics();
        metrics.Record(Request(ttft: 0.003, gaps: [0.01f, 0.02f, 0.3f]));
        metrics.Record(Request(ttft: 0.2, gaps: [0.01f]));

        var text = await metrics.RenderAsync(TestContext.Current.CancellationToken);

        Assert.Contains("# TYPE vllm:time_to_first_token_seconds histogram", text, StringComparison.Ordinal);
        Assert.Equal(2, Value(text, """vllm:time_to_first_token_seconds_count{model_name="m",backend="cpu"}"""));
        Assert.Equal(1, Value(text, """vllm:time_to_first_token_seconds_bucket{model_name="m",backend="cpu",le="0.005"}"""));
        Assert.Equal(2, Value(text, """vllm:time_to_first_token_seconds_bucket{model_name="m",backend="cpu",le="0.25"}"""));
        Assert.Equal(0.203, Value(text, """vllm:time_to_first_token_seconds_sum{model_name="m",backend="cpu"}"""), 6);
        Assert.Equal(4, Value(text, """vllm:inter_token_latency_seconds_count{model_name="m",backend="cpu"}"""));
        Assert.Equal(20, Value(text, """vllm:generation_tokens_total{model_name="m",backend="cpu"}"""));
        Assert.Equal(2, Value(text, """vllm:request_success_total{model_name="m",backend="cpu",finished_reason="length"}"""));
        Assert.DoesNotContain("vllm_", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderAsync_ErrorStatus_CountsAnErrorAndNoLatency()
    {
        var metrics = new SuiteMetrics();
        metrics.Record(Request(ttft: null, gaps: [], status: 503));

        var text = await metrics.RenderAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, Value(text, """suite:request_errors_total{model_name="m",status="503"}"""));
        Assert.DoesNotContain("vllm:time_to_first_token_seconds_count{", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderAsync_PoolGone_ItsGaugesLeaveTheScrape()
    {
        var metrics = new SuiteMetrics();
        metrics.Observe(Heartbeat("w1", "cpu-a", running: 3, waiting: 2));
        var before = await metrics.RenderAsync(TestContext.Current.CancellationToken);
        metrics.Forget("w1");
        var after = await metrics.RenderAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, Value(before, """vllm:num_requests_waiting{model_name="m",backend="cpu",pool="cpu-a"}"""));
        Assert.DoesNotContain("pool=\"cpu-a\"", after, StringComparison.Ordinal);
    }

    [Fact]
    public void Restore_NamesOnly_LabelValuesUntouched()
    {
        var text = VllmNames.Restore("# HELP vllm_x Help about vllm_x.\n# TYPE vllm_x counter\nvllm_x{model_name=\"vllm_like\"} 1\nother_y 2\n");

        Assert.Equal("# HELP vllm:x Help about vllm_x.\n# TYPE vllm:x counter\nvllm:x{model_name=\"vllm_like\"} 1\nother_y 2\n", text);
    }

    [Fact]
    public void Build_BackendComparison_PercentilesFromEveryRequest()
    {
        var metrics = new SuiteMetrics();
        metrics.Observe(Heartbeat("w1", "cpu-a", running: 0, waiting: 0));
        for (var i = 1; i <= 100; i++)
        {
            metrics.Record(Request(ttft: i / 1000.0, gaps: [0.01f]));
        }

        var row = Assert.Single(BackendComparison.Build(metrics));

        Assert.Equal(100, row.Requests);
        Assert.Equal(0.050, row.TtftP50Seconds!.Value, 3);
        Assert.Equal(0.099, row.TtftP99Seconds!.Value, 3);
    }

    private static double Value(string exposition, string series)
    {
        var line = exposition.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no series {series} in:\n{exposition}");
        return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private static RequestCompleted Request(double? ttft, float[] gaps, int status = 200) => new(
        Guid.NewGuid(), "m", "cpu", "w1", "/v1/completions", status, status == 200 ? FinishReason.Length : null, 5, status == 200 ? 10 : 0,
        ttft, 0.5, 0.001, 0.002, 0.4, gaps, DateTimeOffset.UtcNow, 3, 1, 1.0);

    private static WorkerHeartbeat Heartbeat(string id, string pool, int running, int waiting) => new(
        id, new Uri("pipeline:w"), "cpu", pool, "m", false, "CPU", 16, running, waiting, 256, 4096, 100, 4096, 0.01, 0.01,
        DateTimeOffset.UtcNow, new ModelDescription("m", "suite", 4096, 100, false, "test", DateTimeOffset.UtcNow));
}
