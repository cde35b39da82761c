using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Suite.EndToEnd.Tests.Infrastructure;
using static Suite.EndToEnd.Tests.ErrorResponseTests;

namespace Suite.EndToEnd.Tests;

/// <summary>/metrics reflects traffic; /tokenize and /detokenize round-trip; /health reports every service.</summary>
[Collection(EmbeddedSuiteCollection.Name)]
public sealed partial class MetricsAndTokenizeTests(EmbeddedSuiteFixture suite)
{
    [Fact]
    public async Task Metrics_AfterRequests_CountersAndHistogramsGrow()
    {
        const string labels = "model_name=\"suite-smoke\",backend=\"cpu\"";
        var before = await MetricsAsync();
        for (var i = 0; i < 2; i++)
        {
            using var response = await suite.Http.PostAsync("/v1/completions", ErrorResponseTests.Json(new { model = EmbeddedSuiteFixture.Model, prompt = $"Metrics check {i}", max_tokens = 7, temperature = 0 }), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The lifecycle event travels over the bus after the response; give telemetry a moment.
        Dictionary<string, double> after = [];
        for (var i = 0; i < 50 && Value(after, $"vllm:e2e_request_latency_seconds_count{{{labels}}}") < Value(before, $"vllm:e2e_request_latency_seconds_count{{{labels}}}") + 2; i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            after = await MetricsAsync();
        }

        Assert.Equal(Value(before, $"vllm:generation_tokens_total{{{labels}}}") + 14, Value(after, $"vllm:generation_tokens_total{{{labels}}}"));
        Assert.True(Value(after, $"vllm:prompt_tokens_total{{{labels}}}") > Value(before, $"vllm:prompt_tokens_total{{{labels}}}"));
        foreach (var histogram in new[] { "vllm:time_to_first_token_seconds", "vllm:e2e_request_latency_seconds", "vllm:request_queue_time_seconds" })
        {
            Assert.Equal(Value(before, $"{histogram}_count{{{labels}}}") + 2, Value(after, $"{histogram}_count{{{labels}}}"));
        }

        Assert.True(Value(after, $"vllm:inter_token_latency_seconds_count{{{labels}}}") >= Value(before, $"vllm:inter_token_latency_seconds_count{{{labels}}}") + 12);
        Assert.True(after.ContainsKey($"vllm:num_requests_running{{{labels},pool=\"cpu\"}}"));
        Assert.True(after.ContainsKey($"vllm:num_requests_waiting{{{labels},pool=\"cpu\"}}"));
    }

    [Fact]
    public async Task Tokenize_ThenDetokenize_RoundTripsUnicode()
    {
        const string text = "Hello, 世界! Ünïcödé 👋🏽 and code: for (int i = 0; i < 10; i++) {}";
        using var tokenized = await suite.Http.PostAsync("/tokenize", ErrorResponseTests.Json(new { model = EmbeddedSuiteFixture.Model, prompt = text }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, tokenized.StatusCode);
        var body = JsonDocument.Parse(await tokenized.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        var tokens = body.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
        Assert.Equal(tokens.Length, body.GetProperty("count").GetInt32());
        Assert.Equal(4096, body.GetProperty("max_model_len").GetInt32());

        using var detokenized = await suite.Http.PostAsync("/detokenize", ErrorResponseTests.Json(new { model = EmbeddedSuiteFixture.Model, tokens }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, detokenized.StatusCode);
        Assert.Equal(text, JsonDocument.Parse(await detokenized.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("prompt").GetString());
    }

    [Fact]
    public async Task Tokenize_Messages_RendersTheChatTemplate()
    {
        using var response = await suite.Http.PostAsync("/tokenize", ErrorResponseTests.Json(new { model = EmbeddedSuiteFixture.Model, messages = new[] { new { role = "user", content = "hi" } }, add_generation_prompt = true }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tokens = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
        using var detokenized = await suite.Http.PostAsync("/detokenize", ErrorResponseTests.Json(new { model = EmbeddedSuiteFixture.Model, tokens }), TestContext.Current.CancellationToken);
        var text = JsonDocument.Parse(await detokenized.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("prompt").GetString();
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", text);
    }

    [Fact]
    public async Task Detokenize_TokenOutsideVocabulary_Returns400()
    {
        using var response = await suite.Http.PostAsync("/detokenize", ErrorResponseTests.Json(new { model = EmbeddedSuiteFixture.Model, tokens = new[] { 1, -3 } }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Health_ReportsEveryServiceAndTheWorker()
    {
        var health = JsonDocument.Parse(await suite.Http.GetStringAsync("/health", TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        foreach (var service in new[] { "gateway", "tokenizer", "router", "telemetry" })
        {
            Assert.Equal("healthy", health.GetProperty("services").GetProperty(service).GetProperty("status").GetString());
        }

        var worker = Assert.Single(health.GetProperty("workers").EnumerateArray());
        Assert.Equal("cpu", worker.GetProperty("backend").GetString());
        Assert.False(worker.GetProperty("simulated").GetBoolean());
    }

    private async Task<Dictionary<string, double>> MetricsAsync()
    {
        var text = await suite.Http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        return SampleLine().Matches(text).ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    private static double Value(Dictionary<string, double> metrics, string key) => metrics.GetValueOrDefault(key);

    [GeneratedRegex(@"^([^#\s][^ ]*) ([0-9.eE+-]+|NaN|\+Inf)$", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
