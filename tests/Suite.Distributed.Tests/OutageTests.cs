using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Suite.Distributed.Tests.Infrastructure;

namespace Suite.Distributed.Tests;

/// <summary>A service process or a whole pool goes away: requests fail fast with 503 + Retry-After, and work again once it is back.</summary>
[Collection(DistributedSuiteCollection.Name)]
public sealed class OutageTests(DistributedSuiteFixture suite)
{
    [Theory]
    [InlineData("router")]
    [InlineData("tokenizer")]
    public async Task Killing_a_service_fails_requests_fast_with_503_until_it_is_back(string service)
    {
        suite.Kill(service);
        try
        {
            // Once the gateway has missed the service's heartbeats (3.5 s), every request is refused at once. Until
            // then a request may wait in the pipeline: those are given up after a short client timeout.
            HttpResponseMessage? refused = null;
            var watch = new Stopwatch();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (refused is null && DateTime.UtcNow < deadline)
            {
                using var quick = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
                quick.CancelAfter(TimeSpan.FromSeconds(2));
                watch.Restart();
                try
                {
                    var response = await ChatAsync(quick.Token);
                    watch.Stop();
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        refused = response;
                        break;
                    }

                    response.Dispose();
                }
                catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
                {
                }
            }

            Assert.True(refused is not null, $"no request was refused with 503 within 60 s of killing the {service}:\n{suite.Logs()}");
            using var _ = refused;
            Assert.True(refused.Headers.RetryAfter is not null, "503 without Retry-After");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"the 503 took {watch.Elapsed.TotalSeconds:0.0} s");
            var error = (await refused.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
            Assert.Contains(service, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            await suite.RestartAsync(service);
            await suite.WaitForWorkersAsync(2, TimeSpan.FromSeconds(90));
        }

        // Back: the gateway hears the restarted service's heartbeat within a second or two.
        HttpResponseMessage? served = null;
        for (var i = 0; i < 60; i++)
        {
            served?.Dispose();
            served = await ChatAsync();
            if (served.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        using (served)
        {
            Assert.True(served!.StatusCode == HttpStatusCode.OK, $"{(int)served.StatusCode}: {await served.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }
    }

    [Fact]
    public async Task With_every_worker_down_requests_get_503_with_retry_after_and_work_once_a_pool_is_back()
    {
        suite.Kill("worker-cpu-a");
        suite.Kill("worker-cpu-b");
        try
        {
            // The router drops a worker silent for 3 s: wait until it lists none.
            await suite.WaitForHealthAsync(h => h.GetProperty("workers").GetArrayLength() == 0, TimeSpan.FromSeconds(60), "the router to list no live worker");
            using var refused = await ChatAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);

            // One pool back is enough: the request goes to whichever pool serves the model.
            await suite.RestartAsync("worker-cpu-b");
            await suite.WaitForWorkersAsync(1, TimeSpan.FromSeconds(90));
            using var served = await ChatAsync();
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("cpu-b", served.Headers.GetValues("X-Suite-Worker").Single());
        }
        finally
        {
            await suite.RestartAsync("worker-cpu-a");
            if (suite.Process("worker-cpu-b").HasExited)
            {
                await suite.RestartAsync("worker-cpu-b");
            }

            await suite.WaitForWorkersAsync(2, TimeSpan.FromSeconds(90));
        }
    }

    [Fact]
    public async Task A_cuda_worker_without_its_library_exits_naming_what_is_missing_and_never_registers()
    {
        var worker = suite.StartExtra("worker-cuda", "services/model-worker/Suite.ModelWorker.Host", new Dictionary<string, string?>
        {
            ["Worker__Backend"] = "cuda",
            ["Worker__Pool"] = "cuda-a",
            ["SUITE_NATIVE_LIBRARY_PATH"] = null,
        });
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await worker.WaitForExitAsync(timeout.Token);
        Assert.NotEqual(0, worker.ExitCode);
        var log = worker.ReadLog();
        Assert.Contains("SUITE_NATIVE_LIBRARY_PATH", log, StringComparison.Ordinal);
        Assert.Contains("cuda", log, StringComparison.Ordinal);
        var health = await suite.HealthAsync();
        Assert.DoesNotContain(health.GetProperty("workers").EnumerateArray(), w => w.GetProperty("backend").GetString() == "cuda");
    }

    private Task<HttpResponseMessage> ChatAsync(CancellationToken? cancellationToken = null) => suite.Http.PostAsJsonAsync(
        "/v1/chat/completions",
        new { model = DistributedSuiteFixture.Model, messages = new[] { new { role = "user", content = "ping" } }, max_tokens = 4, temperature = 0 },
        cancellationToken ?? TestContext.Current.CancellationToken);
}
