using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Suite.Distributed.Tests.Infrastructure;

namespace Suite.Distributed.Tests;

/// <summary>The router's prefix index on a real broker with two CPU workers: requests follow their prefix; a dead worker's blocks leave.</summary>
[Collection(DistributedSuiteCollection.Name)]
public sealed class PrefixRoutingTests(DistributedSuiteFixture suite)
{
    [Fact]
    public async Task A_request_goes_to_the_worker_that_holds_its_prefix()
    {
        for (var conversation = 0; conversation < 3; conversation++)
        {
            var system = $"Tenant {Guid.NewGuid():N}. " + string.Concat(Enumerable.Repeat("Answer briefly and cite the manual. ", 25));
            var before = await IndexedBlocksByWorkerAsync();
            var (first, _, _) = await AskAsync(system, "What is the first rule?");
            var done = System.Diagnostics.Stopwatch.StartNew();

            // The router routes by what it has heard: the worker's stored blocks (KV events every
            // KvEventIntervalMilliseconds) and its load (heartbeats; until the next one the first request still counts
            // as running there, with its prompt to prefill). Wait for both to be newer than the first request's end,
            // rather than racing them.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                var asked = done.Elapsed.TotalSeconds;
                var view = await WorkerViewAsync(first);
                if (view is { } v && v.Indexed > before.GetValueOrDefault(first) && v.SinceHeartbeat < asked)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"the router never heard {first} after the first request ({before.GetValueOrDefault(first)} blocks indexed before, now {view?.ToString() ?? "worker gone"}, {done.Elapsed.TotalSeconds:0.0} s after it ended)");
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }

            var (second, cached, route) = await AskAsync(system, "And the second rule?");

            Assert.True(first == second, $"the second request went to {second}, not {first} which holds its prefix; route: {route}");
            Assert.True(cached >= 160, $"the second request should reuse the shared system prompt ({cached} cached tokens)");
            Assert.Contains($"worker={first}", route);
            Assert.Contains("runner_up=", route);
        }
    }

    [Fact]
    public async Task A_killed_worker_leaves_the_prefix_index()
    {
        var system = $"Tenant {Guid.NewGuid():N}. " + string.Concat(Enumerable.Repeat("Keep the index honest. ", 30));
        var (worker, _, _) = await AskAsync(system, "Which worker am I on?");
        var before = await IndexedBlocksAsync(worker);
        Assert.True(before > 0, "the worker's blocks should be indexed");

        suite.Kill(DistributedSuiteFixture.ProcessOfWorker(worker));
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            int? left = before;
            while (left is not null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250, TestContext.Current.CancellationToken);
                left = await IndexedBlocksAsync(worker);
            }

            Assert.Null(left); // gone from the registry, and with it from the index

            // Distinct blocks in the index can be no more than the live workers' blocks together.
            var (total, others) = await IndexTotalsAsync();
            while (total > others && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250, TestContext.Current.CancellationToken);
                (total, others) = await IndexTotalsAsync();
            }

            Assert.True(total <= others, $"the router still indexes {total} blocks, its live workers {others}");
        }
        finally
        {
            await suite.RestartAsync(DistributedSuiteFixture.ProcessOfWorker(worker));
            await suite.WaitForWorkersAsync(2, TimeSpan.FromSeconds(90));
        }
    }

    private async Task<(string Worker, int Cached, string Route)> AskAsync(string system, string question)
    {
        using var response = await suite.Http.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = DistributedSuiteFixture.Model,
            temperature = 0,
            max_tokens = 4,
            ignore_eos = true,
            messages = new[] { new { role = "system", content = system }, new { role = "user", content = question } },
        }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var usage = JsonDocument.Parse(body).RootElement.GetProperty("usage");
        return (
            response.Headers.GetValues("X-Suite-Worker").Single(),
            usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32(),
            response.Headers.GetValues("X-Suite-Route").Single());
    }

    private async Task<(int Total, int LiveWorkers)> IndexTotalsAsync()
    {
        var health = await suite.HealthAsync();
        var router = health.GetProperty("services").GetProperty("router").GetProperty("details");
        var total = int.Parse(router.GetProperty("indexed_blocks").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        return (total, health.GetProperty("workers").EnumerateArray().Sum(w => w.GetProperty("indexed_blocks").GetInt32()));
    }

    private async Task<Dictionary<string, int>> IndexedBlocksByWorkerAsync()
    {
        var health = await suite.HealthAsync();
        return health.GetProperty("workers").EnumerateArray().ToDictionary(w => w.GetProperty("worker_id").GetString()!, w => w.GetProperty("indexed_blocks").GetInt32());
    }

    /// <summary>The router's view of a worker: blocks its index holds and seconds since its last heartbeat; null when not live.</summary>
    private async Task<(int Indexed, double SinceHeartbeat)?> WorkerViewAsync(string worker)
    {
        var health = await suite.HealthAsync();
        foreach (var w in health.GetProperty("workers").EnumerateArray())
        {
            if (w.GetProperty("worker_id").GetString() == worker)
            {
                return (w.GetProperty("indexed_blocks").GetInt32(), w.GetProperty("seconds_since_heartbeat").GetDouble());
            }
        }

        return null;
    }

    /// <summary>The blocks the router's index holds for a worker, or null when the worker is not live.</summary>
    private async Task<int?> IndexedBlocksAsync(string worker)
    {
        var health = await suite.HealthAsync();
        foreach (var w in health.GetProperty("workers").EnumerateArray())
        {
            if (w.GetProperty("worker_id").GetString() == worker)
            {
                return w.GetProperty("indexed_blocks").GetInt32();
            }
        }

        return null;
    }
}
