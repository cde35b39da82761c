using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Suite.Distributed.Tests.Infrastructure;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.Distributed.Tests;

/// <summary>Workers die mid-generation (kill -9); streams and jobs continue on another pool with nothing lost or repeated.</summary>
[Collection(DistributedSuiteCollection.Name)]
public sealed class FailoverTests(DistributedSuiteFixture suite)
{
    private const string Prompt = "The history of the printing press";
    private const int Tokens = 600;

    [Fact]
    public async Task Killing_a_worker_mid_stream_finishes_on_another_pool_with_the_undisturbed_text()
    {
        var undisturbed = await CompleteAsync(Prompt, Tokens);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = JsonContent.Create(new { model = DistributedSuiteFixture.Model, prompt = Prompt, max_tokens = Tokens, temperature = 0, ignore_eos = true, stream = true, stream_options = new { include_usage = true } }),
        };
        using var response = await suite.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var worker = response.Headers.GetValues("X-Suite-Worker").Single();
        var events = new List<JsonElement>();
        var killed = false;
        try
        {
            await foreach (var data in Sse.ReadDataAsync(response, TestContext.Current.CancellationToken))
            {
                if (data == "[DONE]")
                {
                    break;
                }

                events.Add(JsonDocument.Parse(data).RootElement.Clone());
                if (!killed && events.Count == 20)
                {
                    suite.Kill(DistributedSuiteFixture.ProcessOfWorker(worker));
                    killed = true;
                }
            }

            Assert.True(killed, "the stream ended before the worker could be killed");
            Assert.Equal(undisturbed, Sse.Text(events));
            Assert.Equal(Tokens, events[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
            Assert.Equal("length", events.Last(e => e.GetProperty("choices").GetArrayLength() > 0).GetProperty("choices")[0].GetProperty("finish_reason").GetString());
            Assert.Contains("resuming as attempt 2", suite.Process("gateway").ReadLog(), StringComparison.Ordinal);
        }
        finally
        {
            await suite.RestartAsync(DistributedSuiteFixture.ProcessOfWorker(worker));
            await suite.WaitForWorkersAsync(2, TimeSpan.FromSeconds(90));
        }
    }

    [Fact]
    public async Task Killing_a_worker_during_a_queue_job_completes_the_job_once_with_the_undisturbed_text()
    {
        const int jobTokens = 1500;
        var undisturbed = await CompleteAsync(Prompt + " in Europe", jobTokens);
        await using var producer = new JobProducer(suite.Broker.Uri);
        await producer.StartAsync();
        var job = producer.Job(Prompt + " in Europe", jobTokens, stream: true);
        await producer.SubmitAsync(job);
        Assert.True(await producer.WaitAsync(() => producer.Chunks.Count >= 3, TimeSpan.FromSeconds(60)), "the job produced no chunks:\n" + suite.Logs());
        // Each chunk names the worker that produced it: kill exactly that one, while the job is still running.
        var busy = producer.Chunks.First().WorkerId;
        Assert.NotNull(busy);
        suite.Kill(DistributedSuiteFixture.ProcessOfWorker(busy));
        try
        {
            Assert.True(await producer.WaitAsync(() => !producer.Completed.IsEmpty, TimeSpan.FromSeconds(90)), "the job did not complete:\n" + suite.Logs());
            await Task.Delay(1000, TestContext.Current.CancellationToken);
            var result = Assert.Single(producer.Completed);
            Assert.Equal(job.JobId, result.JobId);
            Assert.Equal(undisturbed, result.Text);
            Assert.Equal(jobTokens, result.CompletionTokens);
            Assert.True(result.Attempts >= 2, $"the job finished on attempt {result.Attempts}: the kill came too late");
            var chunks = producer.Chunks.OrderBy(c => c.Index).ToList();
            Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Index));
            Assert.Equal(result.Text, string.Concat(chunks.Select(c => c.Text)));
        }
        finally
        {
            await suite.RestartAsync(DistributedSuiteFixture.ProcessOfWorker(busy));
            await suite.WaitForWorkersAsync(2, TimeSpan.FromSeconds(90));
        }
    }

    [Fact]
    public async Task Answers_equal_those_of_the_embedded_suite()
    {
        var port = FreePort.Next();
        await using var embedded = HostProcess.Start("gateway/Suite.Gateway.Host", new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["SUITE_MODEL_CACHE"] = RepositoryPaths.ModelCache,
            ["SUITE_MODEL"] = null,
            ["SUITE_RABBITMQ_URI"] = null,
            ["Worker__ExactNumerics"] = "true",
            ["Worker__PrefixCache"] = "true",
            ["Worker__Threads"] = "1",
        }, "embedded-parity");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        for (var i = 0; i < 240 && !await IsHealthyAsync(http); i++)
        {
            Assert.False(embedded.HasExited, embedded.ReadLog());
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        foreach (var content in new[] { "Hello there", "Write a haiku about routers." })
        {
            var body = new { model = DistributedSuiteFixture.Model, messages = new[] { new { role = "user", content } }, max_tokens = 40, temperature = 0 };
            var local = await ChatTextAsync(http, body);
            var distributed = await ChatTextAsync(suite.Http, body);
            Assert.Equal(local, distributed);
        }
    }

    private async Task<string> CompleteAsync(string prompt, int tokens)
    {
        using var response = await suite.Http.PostAsJsonAsync("/v1/completions", new { model = DistributedSuiteFixture.Model, prompt, max_tokens = tokens, temperature = 0, ignore_eos = true }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("choices")[0].GetProperty("text").GetString()!;
    }

    private static async Task<string> ChatTextAsync(HttpClient http, object body)
    {
        using var response = await http.PostAsJsonAsync("/v1/chat/completions", body, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }

    private static async Task<bool> IsHealthyAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("/health", TestContext.Current.CancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
