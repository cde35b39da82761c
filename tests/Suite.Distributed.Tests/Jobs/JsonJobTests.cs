using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RabbitMQ.Client;
using Suite.Contracts;
using Suite.Contracts.Jobs;
using Suite.Distributed.Tests.Infrastructure;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.Distributed.Tests.Jobs;

/// <summary>
/// The plain-JSON job contract with real producers (Node amqplib as its own process, C# RabbitMQ.Client), a real broker
/// and two gateways sharing their job state in PostgreSQL: results streamed and not, idempotency across gateways,
/// poison messages, and a gateway killed while it runs jobs.
/// </summary>
[Collection(TenancyFleetCollection.Name)]
public sealed class JsonJobTests(TenancyFleetFixture fleet)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_node_amqplib_producer_gets_streamed_chunks_and_whole_results()
    {
        var (_, key, _) = await fleet.TenantKeyAsync();
        var chat = Guid.NewGuid().ToString();
        var text = "node-" + Guid.NewGuid().ToString("N");
        var jobs = JsonSerializer.Serialize(new object[]
        {
            new { id = chat, type = JsonJobProperties.ChatCompletions, body = new { model = TenancyFleetFixture.Model, messages = new[] { new { role = "user", content = "Tell me a story" } }, max_tokens = 12, ignore_eos = true, temperature = 0, stream = true } },
            new { id = text, body = new { model = TenancyFleetFixture.Model, prompt = "Once upon a time", max_tokens = 7, ignore_eos = true, temperature = 0 }, priority = 5 },
        });

        var replies = (await RunNodeProducerAsync(fleet.Broker.Uri, jobs, key))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToList();

        var chatReplies = replies.Where(r => r.GetProperty("correlation_id").GetString() == chat).ToList();
        Assert.True(chatReplies.Count >= 2, string.Join("\n", replies));
        var chunks = chatReplies.SkipLast(1).ToList();
        Assert.All(chunks, c => Assert.Equal((JsonJobProperties.ChatCompletionChunk, 200), (c.GetProperty("type").GetString(), c.GetProperty("status").GetInt32())));
        Assert.Equal("assistant", chunks[0].GetProperty("body").GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var result = chatReplies[^1];
        Assert.Equal((JsonJobProperties.ChatCompletion, 200), (result.GetProperty("type").GetString(), result.GetProperty("status").GetInt32()));
        var body = result.GetProperty("body");
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal(12, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        var streamed = string.Concat(chunks.Select(c => c.GetProperty("body").GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal(body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), streamed);

        var whole = Assert.Single(replies, r => r.GetProperty("correlation_id").GetString() == text);
        Assert.Equal(JsonJobProperties.TextCompletion, whole.GetProperty("type").GetString());
        Assert.Equal("text_completion", whole.GetProperty("body").GetProperty("object").GetString());
        Assert.Equal(7, whole.GetProperty("body").GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("length", whole.GetProperty("body").GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task A_csharp_rabbitmq_client_producer_gets_results_and_a_job_without_a_valid_key_gets_401()
    {
        var (_, key, _) = await fleet.TenantKeyAsync();
        await using var producer = await JsonJobProducer.StartAsync(fleet.Broker.Uri);
        var streamed = Guid.NewGuid().ToString();
        var whole = Guid.NewGuid().ToString();
        var unauthorised = Guid.NewGuid().ToString();
        await producer.PublishAsync(streamed, new { model = TenancyFleetFixture.Model, prompt = "Hello", max_tokens = 9, ignore_eos = true, temperature = 0, stream = true }, key, JsonJobProperties.Completions);
        await producer.PublishAsync(whole, new { model = TenancyFleetFixture.Model, messages = new[] { new { role = "user", content = "Hi" } }, max_tokens = 5, ignore_eos = true }, key, priority: 9);
        await producer.PublishAsync(unauthorised, new { model = TenancyFleetFixture.Model, prompt = "Hello", max_tokens = 3 }, "sk-not-a-key");

        Assert.True(await WaitAsync(() => new[] { streamed, whole, unauthorised }.All(id => producer.Results(id).Count > 0)), Describe(producer));

        var chunks = producer.Of(streamed).Where(r => r.Type == JsonJobProperties.TextCompletionChunk).ToList();
        var result = Assert.Single(producer.Results(streamed));
        Assert.Equal((JsonJobProperties.TextCompletion, 200), (result.Type, result.Status));
        Assert.NotEmpty(chunks);
        Assert.Equal(result.Body.GetProperty("choices")[0].GetProperty("text").GetString(), string.Concat(chunks.Select(c => c.Body.GetProperty("choices")[0].GetProperty("text").GetString())));
        Assert.Equal(9, result.Body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        var chat = Assert.Single(producer.Of(whole));
        Assert.Equal((JsonJobProperties.ChatCompletion, 200, "chatcmpl-" + Guid.Parse(whole).ToString("N")), (chat.Type, chat.Status, chat.Body.GetProperty("id").GetString()));

        var refused = Assert.Single(producer.Of(unauthorised));
        Assert.Equal((JsonJobProperties.Error, 401), (refused.Type, refused.Status));
        Assert.Equal("invalid_api_key", refused.Body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_producer_that_submits_every_job_twice_gets_each_result_from_one_run()
    {
        var (tenant, key, _) = await fleet.TenantKeyAsync();
        await using var producer = await JsonJobProducer.StartAsync(fleet.Broker.Uri);
        var ids = Enumerable.Range(0, 6).Select(i => $"twice-{i}-{Guid.NewGuid():N}").ToList();
        foreach (var id in ids.Concat(ids))
        {
            await producer.PublishAsync(id, new { model = TenancyFleetFixture.Model, prompt = "Idempotent " + id, max_tokens = 6, ignore_eos = true, temperature = 0 }, key);
        }

        Assert.True(await WaitAsync(() => ids.All(id => producer.Results(id).Count >= 2)), Describe(producer));

        foreach (var id in ids)
        {
            var results = producer.Results(id);
            Assert.Equal(2, results.Count);
            Assert.All(results, r => Assert.Equal((JsonJobProperties.TextCompletion, 200), (r.Type, r.Status)));

            // The second answer is the stored result of the one run: same id, creation time and text.
            Assert.Single(results.Select(r => r.Body.GetRawText()).Distinct());
        }

        // Runs, counted where they happen: each gateway logs every run it starts, and usage counts every request served.
        var logs = fleet.Log("gw1") + fleet.Log("gw2");
        foreach (var id in ids)
        {
            Assert.Equal(1, Regex.Count(logs, $"Job {JobIdOf(id)} runs on this gateway"));
        }

        Assert.True(await WaitAsync(async () => await RequestsAsync(tenant) == ids.Count), $"usage of {tenant}: {await RequestsAsync(tenant)} requests, {ids.Count} expected");
    }

    [Fact]
    public async Task Poison_messages_of_each_kind_are_answered_and_dead_lettered_with_their_reason()
    {
        var (_, key, _) = await fleet.TenantKeyAsync();
        await using var producer = await JsonJobProducer.StartAsync(fleet.Broker.Uri);
        var run = Guid.NewGuid().ToString("N");
        var cases = new (string Case, string? Id, object Body, string? Type, string? ReplyTo, string Reason)[]
        {
            ("not-json", Guid.NewGuid().ToString(), "{ this is not json", null, "", "could not parse the JSON body"),
            ("invalid-request", Guid.NewGuid().ToString(), new { model = TenancyFleetFixture.Model, prompt = "x", temperature = 5 }, null, "", "'temperature'"),
            ("no-message-id", null, new { model = TenancyFleetFixture.Model, prompt = "x" }, null, "", "message_id"),
            ("unknown-type", Guid.NewGuid().ToString(), new { model = TenancyFleetFixture.Model, prompt = "x" }, "embeddings", "", "Unknown job type"),
            ("no-reply-to", Guid.NewGuid().ToString(), new { model = TenancyFleetFixture.Model, prompt = "x" }, null, null, "reply_to"),
        };
        foreach (var c in cases)
        {
            await producer.PublishAsync(c.Id, c.Body, key, c.Type, replyTo: c.ReplyTo, headers: new() { ["test-run"] = run, ["test-case"] = c.Case });
        }

        // Each one with a job id and a reply queue is answered with the error, as the HTTP API would answer it.
        foreach (var c in cases.Where(c => c.Id is not null && c.ReplyTo is not null))
        {
            Assert.True(await WaitAsync(() => producer.Results(c.Id!).Count > 0), $"{c.Case} was not answered: {Describe(producer)}");
            var error = Assert.Single(producer.Of(c.Id!));
            Assert.Equal((JsonJobProperties.Error, 400), (error.Type, error.Status));
            Assert.Contains(c.Reason, error.Body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        var dead = await DeadLettersAsync(run, cases.Length);
        foreach (var c in cases)
        {
            Assert.True(dead.TryGetValue(c.Case, out var reason), $"{c.Case} is not in {QueueNames.JsonJobsError}: {string.Join(", ", dead.Keys)}");
            Assert.Contains(c.Reason, reason, StringComparison.Ordinal);
        }

        // Still serving.
        var ok = Guid.NewGuid().ToString();
        await producer.PublishAsync(ok, new { model = TenancyFleetFixture.Model, prompt = "After the poison", max_tokens = 3, ignore_eos = true }, key);
        Assert.True(await WaitAsync(() => producer.Results(ok).Any(r => r.Status == 200)), Describe(producer));
    }

    [Fact]
    public async Task Killing_a_gateway_while_it_runs_jobs_lets_the_other_finish_them_none_twice()
    {
        var (_, key, _) = await fleet.TenantKeyAsync();
        await using var producer = await JsonJobProducer.StartAsync(fleet.Broker.Uri);
        var ids = Enumerable.Range(0, 6).Select(i => Guid.NewGuid().ToString()).ToList();
        try
        {
            foreach (var id in ids)
            {
                // Long enough (about 10 s on the slowed simulator) that gw1 is killed while it runs them.
                await producer.PublishAsync(id, new { model = TenancyFleetFixture.Model, prompt = "Long job " + id, max_tokens = 80, ignore_eos = true, temperature = 0 }, key);
            }

            Assert.True(await WaitAsync(() => ids.Any(id => fleet.Log("gw1").Contains($"Job {id} runs on this gateway", StringComparison.Ordinal))), "gw1 ran none of the jobs:\n" + fleet.Logs());
            fleet.Kill("gw1");
            var killedLog = fleet.Log("gw1");
            var runningOnGw1 = ids.Where(id => killedLog.Contains($"Job {id} runs on this gateway", StringComparison.Ordinal) && !killedLog.Contains($"Job {id} completed", StringComparison.Ordinal)).ToList();

            Assert.True(await WaitAsync(() => ids.All(id => producer.Results(id).Count > 0)), Describe(producer) + fleet.Logs());
            var gw1 = fleet.Log("gw1");
            var gw2 = fleet.Log("gw2");
            foreach (var id in ids)
            {
                var results = producer.Results(id);
                Assert.All(results, r => Assert.Equal((JsonJobProperties.TextCompletion, 200), (r.Type, r.Status)));
                Assert.Single(results.Select(r => r.Body.GetRawText()).Distinct());
                Assert.Equal(80, results[0].Body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
                Assert.Equal(1, Regex.Count(gw1 + gw2, $"Job {id} completed"));
            }

            // The jobs gw1 was running when it died were taken over by gw2 after gw1's lease ran out (or, for one whose
            // result gw1 had stored just before it died, answered from that result).
            Assert.NotEmpty(runningOnGw1);
            Assert.All(runningOnGw1, id => Assert.True(gw2.Contains($"Job {id} runs on this gateway", StringComparison.Ordinal) || gw2.Contains($"Job {id} joined the run", StringComparison.Ordinal), $"{id} was neither run nor answered by gw2"));
            Assert.Contains(runningOnGw1, id => gw2.Contains($"Job {id} runs on this gateway", StringComparison.Ordinal));
        }
        finally
        {
            await fleet.RestartAsync("gw1");
            await fleet.WaitForWorkersAsync(TenancyFleetFixture.WorkerIds, TimeSpan.FromSeconds(180));
        }
    }

    [Fact]
    public async Task Restarting_the_database_while_jobs_run_completes_each_job_once()
    {
        var (_, key, _) = await fleet.TenantKeyAsync();
        await using var producer = await JsonJobProducer.StartAsync(fleet.Broker.Uri);
        var ids = Enumerable.Range(0, 6).Select(i => Guid.NewGuid().ToString()).ToList();
        try
        {
            foreach (var id in ids)
            {
                await producer.PublishAsync(id, new { model = TenancyFleetFixture.Model, prompt = "Database restart job " + id, max_tokens = 150, ignore_eos = true, temperature = 0 }, key);
            }

            Assert.True(await WaitAsync(() => ids.All(id => (fleet.Log("gw1") + fleet.Log("gw2")).Contains($"Job {id} runs on this gateway", StringComparison.Ordinal))), "the gateways did not start every job:\n" + fleet.Logs());

            // The job store (and the tenant store) goes away while every job runs and holds a lease in it, for longer
            // than a lease lasts (Jobs__LeaseSeconds = 5 here), and comes back.
            await fleet.Postgres.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(7), TestContext.Current.CancellationToken);
            await fleet.Postgres.StartAsync();

            Assert.True(await WaitAsync(() => ids.All(id => producer.Results(id).Count > 0)), Describe(producer) + fleet.Logs());
            var logs = fleet.Log("gw1") + fleet.Log("gw2");
            foreach (var id in ids)
            {
                var results = producer.Results(id);
                Assert.All(results, r => Assert.Equal((JsonJobProperties.TextCompletion, 200), (r.Type, r.Status)));
                Assert.Single(results.Select(r => r.Body.GetRawText()).Distinct());
                Assert.Equal(150, results[0].Body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
                Assert.Equal(1, Regex.Count(logs, $"Job {id} completed"));
            }
        }
        finally
        {
            await fleet.Postgres.StartAsync();
        }
    }

    [Fact]
    public async Task A_thousand_queued_jobs_are_drained_with_exactly_a_thousand_results()
    {
        var (_, key, _) = await fleet.TenantKeyAsync();
        await using var producer = await JsonJobProducer.StartAsync(fleet.Broker.Uri);
        var ids = Enumerable.Range(0, 1000).Select(i => Guid.NewGuid().ToString()).ToList();
        foreach (var id in ids)
        {
            await producer.PublishAsync(id, new { model = TenancyFleetFixture.Model, prompt = "Drain " + id[..8], max_tokens = 2, ignore_eos = true, temperature = 0 }, key);
        }

        var done = await producer.WaitAsync(() => producer.Replies.Count >= ids.Count, TimeSpan.FromSeconds(300));
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);

        var replies = producer.Replies.ToList();
        var failed = replies.Where(r => r.Status != 200).Take(5).Select(r => $"{r.CorrelationId} {r.Status} {r.Body}");
        Assert.True(done, $"{replies.Count} results of {ids.Count} within 300 s; first failures: {string.Join("; ", failed)}");
        Assert.Equal(ids.Count, replies.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), replies.Select(r => r.CorrelationId!).Order(StringComparer.Ordinal));
        Assert.All(replies, r => Assert.Equal((JsonJobProperties.TextCompletion, 200), (r.Type, r.Status)));

        // And each was run once: the gateways' logs name every run that completed.
        var runs = Regex.Matches(fleet.Log("gw1") + fleet.Log("gw2"), @"Job ([0-9a-f-]{36}) completed:").Select(m => m.Groups[1].Value).CountBy(id => id).ToDictionary();
        Assert.All(ids, id => Assert.Equal(1, runs.GetValueOrDefault(JobIdOf(id).ToString())));
    }

    private static Guid JobIdOf(string messageId) => Suite.Gateway.Jobs.Json.JsonJobReader.JobIdOf(messageId);

    private static async Task<bool> WaitAsync(Func<bool> condition) => await WaitAsync(() => Task.FromResult(condition()));

    private static async Task<bool> WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        return await condition();
    }

    private async Task<long> RequestsAsync(string tenant)
    {
        var usage = await fleet.Admin2.GetStringAsync($"/admin/v1/usage?tenant_id={tenant}", TestContext.Current.CancellationToken);
        return JsonDocument.Parse(usage).RootElement.GetProperty("data").EnumerateArray().Sum(r => r.GetProperty("requests").GetInt64());
    }

    /// <summary>The dead letters of this run, by case, with their reason header; the queue is drained as it is read.</summary>
    private async Task<Dictionary<string, string>> DeadLettersAsync(string run, int expected)
    {
        var found = new Dictionary<string, string>();
        await using var connection = await new ConnectionFactory { Uri = fleet.Broker.Uri }.CreateConnectionAsync(TestContext.Current.CancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
        var deadline = DateTime.UtcNow + Deadline;
        while (found.Count < expected && DateTime.UtcNow < deadline)
        {
            var message = await channel.BasicGetAsync(QueueNames.JsonJobsError, autoAck: true, TestContext.Current.CancellationToken);
            if (message is null)
            {
                await Task.Delay(200, TestContext.Current.CancellationToken);
                continue;
            }

            IDictionary<string, object?> headers = message.BasicProperties.Headers ?? new Dictionary<string, object?>();
            if (Text(headers, "test-run") == run)
            {
                found[Text(headers, "test-case")] = Text(headers, JsonJobProperties.ErrorReasonHeader);
            }
        }

        return found;
    }

    private static string Text(IDictionary<string, object?> headers, string name)
        => headers.TryGetValue(name, out var header) && header is byte[] bytes ? Encoding.UTF8.GetString(bytes) : header?.ToString() ?? string.Empty;

    private static string Describe(JsonJobProducer producer)
        => "replies: " + string.Join("\n", producer.Replies.Select(r => $"{r.CorrelationId} {r.Type} {r.Status} {r.Body}"));

    /// <summary>Runs the Node producer (tests/producers/node, installed with npm ci) as its own process; returns its reply lines.</summary>
    private static async Task<List<string>> RunNodeProducerAsync(Uri broker, string jobs, string key)
    {
        var folder = Path.Combine(RepositoryPaths.Root, "tests", "producers", "node");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "amqplib")), $"amqplib is not installed: run npm ci --prefix {folder}");
        var info = new ProcessStartInfo("node", [Path.Combine(folder, "producer.js"), broker.ToString(), jobs, key])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the node producer did not finish within {Deadline.TotalSeconds} s: {await output}{await error}");
        }

        Assert.True(process.ExitCode == 0, $"the node producer failed ({process.ExitCode}): {await error}");
        return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
