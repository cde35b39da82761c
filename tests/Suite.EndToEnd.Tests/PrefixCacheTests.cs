using System.Net;
using System.Text.Json;
using Suite.EndToEnd.Tests.Infrastructure;
using static Suite.EndToEnd.Tests.ErrorResponseTests;

namespace Suite.EndToEnd.Tests;

/// <summary>The worker's prefix cache seen from a client: cached tokens in usage, the same greedy text, the route header, metrics.</summary>
[Collection(EmbeddedSuiteCollection.Name)]
public sealed class PrefixCacheTests(EmbeddedSuiteFixture suite)
{
    [Fact]
    public async Task Repeated_prompt_reports_cached_tokens_and_gives_the_same_greedy_text()
    {
        var system = $"Conversation {Guid.NewGuid():N}. " + string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 30));
        var messages = new[] { new { role = "system", content = system }, new { role = "user", content = "Tell me a story." } };
        object Body(bool stream) => stream
            ? new { model = EmbeddedSuiteFixture.Model, temperature = 0, max_tokens = 24, ignore_eos = true, stream, stream_options = new { include_usage = true }, messages }
            : new { model = EmbeddedSuiteFixture.Model, temperature = 0, max_tokens = 24, ignore_eos = true, stream, messages };

        var (firstText, firstUsage, _) = await CompleteAsync(Body(stream: false));
        var (secondText, secondUsage, route) = await CompleteAsync(Body(stream: false));

        Assert.Equal(0, firstUsage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        var prompt = secondUsage.GetProperty("prompt_tokens").GetInt32();
        var cached = secondUsage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32();
        Assert.True(prompt > 300, $"the prompt should be long ({prompt} tokens)");
        Assert.InRange(cached, prompt - 16, prompt - 1); // whole blocks of 16; the last prompt token is computed
        Assert.Equal(firstText, secondText);
        Assert.Contains("policy=predicted-latency", route);
        Assert.Contains($"cached_tokens={cached}", route);

        // Streamed, the usage chunk says the same.
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = ErrorResponseTests.Json(Body(stream: true)) };
        using var streamed = await suite.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.Contains("worker=", streamed.Headers.GetValues("X-Suite-Route").Single());
        var events = await Sse.ReadAllAsync(streamed, TestContext.Current.CancellationToken);
        Assert.Equal(firstText, Sse.Text(events));
        Assert.Equal(cached, events[^1].GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }

    [Fact]
    public async Task Metrics_count_prefix_cache_queries_and_hits()
    {
        var prompt = $"Metrics of the cache {Guid.NewGuid():N}: " + string.Concat(Enumerable.Repeat("one two three four five six seven eight. ", 10));
        for (var i = 0; i < 2; i++)
        {
            using var response = await suite.Http.PostAsync("/v1/completions", ErrorResponseTests.Json(new { model = EmbeddedSuiteFixture.Model, prompt, max_tokens = 4, temperature = 0 }), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Counters travel in heartbeats (every 200 ms here).
        string metrics = string.Empty;
        for (var i = 0; i < 100 && !HasHits(metrics); i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            metrics = await suite.Http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        }

        Assert.True(HasHits(metrics), metrics);
        Assert.Contains("vllm:prefix_cache_queries_total{model_name=\"suite-smoke\",backend=\"cpu\"}", metrics);
        Assert.Contains("suite:prefix_cache_blocks{model_name=\"suite-smoke\",backend=\"cpu\"}", metrics);
    }

    private static bool HasHits(string metrics) =>
        metrics.Split('\n').Any(l => l.StartsWith("vllm:prefix_cache_hits_total{", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal));

    private async Task<(string Text, JsonElement Usage, string Route)> CompleteAsync(object body)
    {
        using var response = await suite.Http.PostAsync("/v1/chat/completions", ErrorResponseTests.Json(body), TestContext.Current.CancellationToken);
        var content = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, content);
        var json = JsonDocument.Parse(content).RootElement;
        var route = response.Headers.TryGetValues("X-Suite-Route", out var values) ? values.Single() : string.Empty;
        return (json.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!, json.GetProperty("usage").Clone(), route);
    }
}
