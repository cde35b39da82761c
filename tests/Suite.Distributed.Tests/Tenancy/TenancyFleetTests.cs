using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Suite.Contracts.Jobs;
using Suite.Distributed.Tests.Infrastructure;

namespace Suite.Distributed.Tests.Tenancy;

/// <summary>Tenants, keys and limits on real PostgreSQL and Redis, with two gateways in front of one simulated fleet.</summary>
[Collection(TenancyFleetCollection.Name)]
public sealed class TenancyFleetTests(TenancyFleetFixture fleet)
{
    private static readonly object Short = new { model = TenancyFleetFixture.Model, prompt = "Once upon a time", max_tokens = 2, ignore_eos = true };

    [Fact]
    public async Task A_request_limit_holds_across_two_gateways()
    {
        var (_, key, _) = await fleet.TenantKeyAsync(new { requests_per_minute = 4 });
        using var one = TenancyFleetFixture.Client(fleet.Gateway1, key);
        using var two = TenancyFleetFixture.Client(fleet.Gateway2, key);

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            responses.Add(await (i % 2 == 0 ? one : two).PostAsJsonAsync("/v1/completions", Short, TestContext.Current.CancellationToken));
        }

        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(["3", "2", "1", "0"], responses.Where(r => r.IsSuccessStatusCode).Select(r => r.Headers.GetValues("x-ratelimit-remaining-requests").Single()));
        foreach (var refused in responses.Where(r => !r.IsSuccessStatusCode))
        {
            Assert.Equal((HttpStatusCode)429, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal("rate_limit_exceeded", (await ErrorAsync(refused)).GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task Unused_reserved_tokens_come_back_when_the_request_ends_on_any_gateway()
    {
        var (_, key, _) = await fleet.TenantKeyAsync(new { output_tokens_per_minute = 600 });
        using var one = TenancyFleetFixture.Client(fleet.Gateway1, key);
        using var two = TenancyFleetFixture.Client(fleet.Gateway2, key);
        var big = new { model = TenancyFleetFixture.Model, prompt = "Once upon a time", max_tokens = 500, stream = true };

        // 500 of 600 reserved; the client leaves after the first chunk, so the request uses far fewer (how many depends
        // on how soon the gateway notices the disconnect on a loaded machine, but not nearly 400).
        using (var stream = await one.SendAsync(Post("/v1/completions", big), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            Assert.Equal("100", stream.Headers.GetValues("x-ratelimit-remaining-tokens").Single());
            using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
            Assert.StartsWith("data:", await reader.ReadLineAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        // Without settlement the bucket (10 tokens a second) would need 40 s to refill enough; settled, the next 500 fit
        // as soon as the first request's end is counted.
        HttpResponseMessage? second = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            second = await two.PostAsJsonAsync("/v1/completions", big, TestContext.Current.CancellationToken);
            if (second.IsSuccessStatusCode)
            {
                break;
            }

            Assert.Equal((HttpStatusCode)429, second.StatusCode);
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        Assert.True(second!.IsSuccessStatusCode, $"the unused reservation was not given back within 15 s: {await second.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}\n{fleet.Logs()}");
        using var tooLarge = await one.PostAsJsonAsync("/v1/completions", new { model = TenancyFleetFixture.Model, prompt = "hi", max_tokens = 700 }, TestContext.Current.CancellationToken);
        Assert.Equal((HttpStatusCode)429, tooLarge.StatusCode);
        Assert.Contains("Request too large", (await ErrorAsync(tooLarge)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once_on_every_gateway()
    {
        var (_, key, keyId) = await fleet.TenantKeyAsync();
        using var one = TenancyFleetFixture.Client(fleet.Gateway1, key);
        using var two = TenancyFleetFixture.Client(fleet.Gateway2, key);
        Assert.Equal(HttpStatusCode.OK, (await two.PostAsJsonAsync("/v1/completions", Short, TestContext.Current.CancellationToken)).StatusCode);

        using var revoked = await fleet.Admin1.DeleteAsync($"/admin/v1/keys/{keyId}", TestContext.Current.CancellationToken);
        using var onTwo = await two.PostAsJsonAsync("/v1/completions", Short, TestContext.Current.CancellationToken);
        using var onOne = await one.PostAsJsonAsync("/v1/completions", Short, TestContext.Current.CancellationToken);

        Assert.True((await revoked.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("revocation_propagated").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, onTwo.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, onOne.StatusCode);
        Assert.Contains("revoked", (await ErrorAsync(onTwo)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pinned_tenant_is_never_served_outside_its_pool_even_when_its_worker_is_killed()
    {
        var (_, key, _) = await fleet.TenantKeyAsync(pools: ["sim-a"]);
        var (_, open, _) = await fleet.TenantKeyAsync();
        using var pinned = TenancyFleetFixture.Client(fleet.Gateway1, key);
        using var anywhere = TenancyFleetFixture.Client(fleet.Gateway1, open);
        try
        {
            for (var i = 0; i < 4; i++)
            {
                using var quick = await pinned.PostAsJsonAsync("/v1/completions", Short, TestContext.Current.CancellationToken);
                Assert.StartsWith("sim-a-", quick.Headers.GetValues("X-Suite-Worker").Single(), StringComparison.Ordinal);
            }

            // A long request; once a sim-a worker runs it, that worker dies.
            var served = pinned.PostAsJsonAsync("/v1/completions", new { model = TenancyFleetFixture.Model, prompt = "Once upon a time", max_tokens = 120, ignore_eos = true }, TestContext.Current.CancellationToken);
            var victim = await RunningWorkerAsync(["sim-a-1", "sim-a-2"], TimeSpan.FromSeconds(30));
            fleet.Kill(TenancyFleetFixture.ProcessOf(victim));
            using var response = await served;

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var worker = response.Headers.GetValues("X-Suite-Worker").Single();
            Assert.NotEqual(victim, worker);
            Assert.StartsWith("sim-a-", worker, StringComparison.Ordinal);
            var usage = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("usage");
            Assert.Equal(120, usage.GetProperty("completion_tokens").GetInt32());

            // With no sim-a worker left, the pinned tenant is refused (503 naming its pool) while sim-b serves others.
            fleet.Kill(TenancyFleetFixture.ProcessOf(worker));
            JsonElement? refusal = null;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (refusal is null && DateTime.UtcNow < deadline)
            {
                using var attempt = await pinned.PostAsJsonAsync("/v1/completions", Short, TestContext.Current.CancellationToken);
                if (attempt.StatusCode == HttpStatusCode.ServiceUnavailable && (await ErrorAsync(attempt)) is var error && error.GetProperty("code").GetString() == "placement_unavailable")
                {
                    refusal = error;
                    Assert.NotNull(attempt.Headers.RetryAfter);
                    break;
                }

                Assert.NotEqual(HttpStatusCode.OK, attempt.StatusCode);
                await Task.Delay(250, TestContext.Current.CancellationToken);
            }

            Assert.True(refusal is not null, "no placement_unavailable within 60 s of the pool's last worker dying");
            Assert.Contains("pools sim-a", refusal.Value.GetProperty("message").GetString(), StringComparison.Ordinal);
            using var other = await anywhere.PostAsJsonAsync("/v1/completions", Short, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
            Assert.Equal("sim-b-1", other.Headers.GetValues("X-Suite-Worker").Single());
        }
        finally
        {
            foreach (var id in new[] { "sim-a-1", "sim-a-2" })
            {
                await fleet.RestartAsync(TenancyFleetFixture.ProcessOf(id));
            }

            await fleet.WaitForWorkersAsync(TenancyFleetFixture.WorkerIds, TimeSpan.FromSeconds(120));
        }
    }

    [Fact]
    public async Task A_queue_job_runs_as_the_tenant_of_its_key_and_one_without_a_key_is_refused()
    {
        var (_, key, _) = await fleet.TenantKeyAsync(pools: ["sim-b"]);
        await using var producer = new JobProducer(fleet.Broker.Uri);
        await producer.StartAsync();
        var pinned = producer.Job("Once upon a time", 8) with { ApiKey = key };
        var keyless = producer.Job("Once upon a time", 8);
        var wrong = producer.Job("Once upon a time", 8) with { ApiKey = "sk-suite-not-a-key" };

        await producer.SubmitAsync(pinned);
        await producer.SubmitAsync(keyless);
        await producer.SubmitAsync(wrong);

        Assert.True(await producer.WaitAsync(() => producer.Completed.Count + producer.Failed.Count >= 3, TimeSpan.FromSeconds(90)), $"{producer.Completed.Count} completed, {producer.Failed.Count} failed of 3\n{fleet.Logs()}");
        var completed = Assert.Single(producer.Completed);
        Assert.Equal(pinned.JobId, completed.JobId);
        Assert.Equal("sim-b-1", completed.WorkerId);
        Assert.Equal(new[] { keyless.JobId, wrong.JobId }.Order(), producer.Failed.Select(f => f.JobId).Order());
        Assert.All(producer.Failed, f => Assert.Equal((401, "invalid_api_key"), (f.StatusCode, f.Code)));
    }

    [Fact]
    public async Task One_tenants_flood_does_not_starve_another()
    {
        var (_, flooder, _) = await fleet.TenantKeyAsync();
        var (_, trickler, _) = await fleet.TenantKeyAsync();
        using var a = TenancyFleetFixture.Client(fleet.Gateway1, flooder);
        using var b = TenancyFleetFixture.Client(fleet.Gateway1, trickler);
        // Unmeasured: a worker process's first batches pay for its warm-up (JIT compilation of the step loop and the
        // streaming path; measured 1–4 s on a loaded 2-core machine), and the fleet may be fresh. A full batch on
        // every worker, then B's own first requests.
        await Task.WhenAll(Enumerable.Range(0, TenancyFleetFixture.WorkerIds.Length * 4).Select(async _ =>
        {
            using var warm = await a.PostAsJsonAsync("/v1/completions", new { model = TenancyFleetFixture.Model, prompt = "Once upon a time", max_tokens = 8, ignore_eos = true }, TestContext.Current.CancellationToken);
        }));
        await TimesToFirstTokenAsync(b, 2);
        var alone = await TimesToFirstTokenAsync(b, 16);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var refusedA = 0;
        var servedA = 0;
        var clock = Stopwatch.StartNew();
        var trace = new List<string>();
        var endsA = new System.Collections.Concurrent.ConcurrentQueue<(double At, string Worker)>();
        var flood = Enumerable.Range(0, 36).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await a.PostAsJsonAsync("/v1/completions", new { model = TenancyFleetFixture.Model, prompt = "Once upon a time", max_tokens = 40, ignore_eos = true }, stop.Token);
                    if (response.StatusCode == (HttpStatusCode)429)
                    {
                        Interlocked.Increment(ref refusedA);
                        await Task.Delay(250, stop.Token);
                    }
                    else if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref servedA);
                        endsA.Enqueue((clock.Elapsed.TotalSeconds, response.Headers.TryGetValues("X-Suite-Worker", out var worker) ? worker.Single() : "?"));
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
            }
        }).ToList();

        List<double> flooded;
        try
        {
            // Until A fills the fleet and its own line at the gateway.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (Volatile.Read(ref refusedA) == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }

            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            var sampler = SampleAdmissionAsync(trace, clock, sampling.Token);
            flooded = await TimesToFirstTokenAsync(b, 16, trace, clock);
            await sampling.CancelAsync();
            await sampler;
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(flood);
        }

        var p90Alone = Percentile(alone, 0.9);
        var p90Flooded = Percentile(flooded, 0.9);
        // What each of B's requests met, and when A's requests ended where: the first thing to read when B waited.
        var detail = string.Join("\n", trace.Order(StringComparer.Ordinal)) + "\nA's requests ended at: " + string.Join(", ", endsA.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.At:0.00} {e.Worker}")));
        TestContext.Current.TestOutputHelper?.WriteLine($"B's p90 TTFT {p90Flooded:0.000} s with A flooding vs {p90Alone:0.000} s alone (A: {servedA} served, {refusedA} refused)\n{detail}");
        Assert.True(refusedA > 0, "A was never refused: the flood did not saturate the fleet");
        Assert.True(p90Flooded <= (3 * p90Alone) + 1.0, $"B's p90 TTFT {p90Flooded:0.000} s with A flooding vs {p90Alone:0.000} s alone (A: {servedA} served, {refusedA} refused)\n{detail}\n{fleet.Logs()}");
    }

    [Fact]
    public async Task Usage_is_counted_across_gateways_per_tenant_key_model_and_backend()
    {
        var (tenant, key, keyId) = await fleet.TenantKeyAsync();
        using var one = TenancyFleetFixture.Client(fleet.Gateway1, key);
        using var two = TenancyFleetFixture.Client(fleet.Gateway2, key);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await (i == 1 ? two : one).PostAsJsonAsync("/v1/completions", Short, TestContext.Current.CancellationToken)).StatusCode);
        }

        JsonElement row = default;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var usage = await fleet.Admin1.GetFromJsonAsync<JsonElement>($"/admin/v1/usage?tenant_id={tenant}", TestContext.Current.CancellationToken);
            if (usage.GetProperty("data").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } found && found.GetProperty("requests").GetInt64() == 3)
            {
                row = found;
                break;
            }

            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        Assert.Equal(JsonValueKind.Object, row.ValueKind);
        Assert.Equal(keyId, row.GetProperty("key_id").GetString());
        Assert.Equal(TenancyFleetFixture.Model, row.GetProperty("model").GetString());
        Assert.Equal("sim", row.GetProperty("backend").GetString());
        Assert.Equal(6, row.GetProperty("output_tokens").GetInt64());
        Assert.True(row.GetProperty("input_tokens").GetInt64() >= 3);
    }

    [Fact]
    public async Task With_redis_down_each_gateway_follows_its_policy_and_says_so()
    {
        var (_, key, _) = await fleet.TenantKeyAsync(new { requests_per_minute = 1000 });
        using var open = TenancyFleetFixture.Client(fleet.Gateway1, key);
        using var closed = TenancyFleetFixture.Client(fleet.Gateway2, key);
        await fleet.Redis.StopAsync();
        try
        {
            using var served = await open.PostAsJsonAsync("/v1/completions", Short, TestContext.Current.CancellationToken);
            using var refused = await closed.PostAsJsonAsync("/v1/completions", Short, TestContext.Current.CancellationToken);
            var health = await fleet.Admin1.GetFromJsonAsync<JsonElement>("/health", TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("limits_unavailable", (await ErrorAsync(refused)).GetProperty("code").GetString());
            Assert.NotNull(refused.Headers.RetryAfter);
            var limits = health.GetProperty("tenancy").GetProperty("limits");
            Assert.Equal("redis", limits.GetProperty("store").GetString());
            Assert.False(limits.GetProperty("reachable").GetBoolean());
            Assert.Equal("fail-open", limits.GetProperty("policy").GetString());
        }
        finally
        {
            await fleet.Redis.StartAsync();
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var status = HttpStatusCode.ServiceUnavailable;
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            using var again = await closed.PostAsJsonAsync("/v1/completions", Short, TestContext.Current.CancellationToken);
            status = again.StatusCode;
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        Assert.Equal(HttpStatusCode.OK, status);
    }

    private async Task<string> RunningWorkerAsync(string[] among, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var running = await fleet.RunningAsync();
            if (among.FirstOrDefault(w => running.GetValueOrDefault(w) > 0) is { } worker)
            {
                return worker;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No worker of {string.Join(", ", among)} started the request within {timeout.TotalSeconds} s.\n{fleet.Logs()}");
    }

    /// <summary>Gateway 1's admission state (from its detailed health report) every half second, into <paramref name="trace"/>.</summary>
    private async Task SampleAdmissionAsync(List<string> trace, Stopwatch clock, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var at = clock.Elapsed.TotalSeconds;
                var health = await fleet.Admin1.GetFromJsonAsync<JsonElement>("/health", cancellationToken);
                var admission = health.GetProperty("tenancy").GetProperty("admission").GetRawText();
                lock (trace)
                {
                    trace.Add(string.Create(CultureInfo.InvariantCulture, $"admission at {at:0.000} s: {admission}"));
                }

                await Task.Delay(500, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>Sends <paramref name="count"/> streamed requests one after another; each one's seconds to its first token.</summary>
    private static async Task<List<double>> TimesToFirstTokenAsync(HttpClient client, int count, List<string>? trace = null, Stopwatch? clock = null)
    {
        var times = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var startedAt = clock?.Elapsed.TotalSeconds ?? 0;
            var watch = Stopwatch.StartNew();
            using var response = await client.SendAsync(Post("/v1/completions", new { model = TenancyFleetFixture.Model, prompt = "The weather today", max_tokens = 4, stream = true }), HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var headers = watch.Elapsed.TotalSeconds;
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("data:", StringComparison.Ordinal) && line.Contains("\"text\":\"", StringComparison.Ordinal) && !line.Contains("\"text\":\"\"", StringComparison.Ordinal))
                {
                    break;
                }
            }

            times.Add(watch.Elapsed.TotalSeconds);
            if (trace is not null)
            {
                lock (trace)
                {
                    trace.Add(string.Create(CultureInfo.InvariantCulture, $"B at {startedAt:0.000} s: first token {times[^1]:0.000} s (headers {headers:0.000} s), {(response.Headers.TryGetValues("X-Suite-Route", out var route) ? string.Join(",", route) : "no route header")}"));
                }
            }

            await reader.ReadToEndAsync();
        }

        return times;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static HttpRequestMessage Post(string path, object body) => new(HttpMethod.Post, path) { Content = JsonContent.Create(body) };

    private static async Task<JsonElement> ErrorAsync(HttpResponseMessage response)
        => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
}
