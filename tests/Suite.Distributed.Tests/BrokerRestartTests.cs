using Suite.Contracts.Jobs;
using Suite.Distributed.Tests.Infrastructure;

namespace Suite.Distributed.Tests;

/// <summary>
/// A broker restart with jobs queued, on a suite of its own. After a restart the RabbitMQ .NET client can take minutes
/// to recover some connections (rabbitmq-dotnet-client #1928/#1930; README "Failover, queueing and outages"); on the
/// shared suite that left the next, unrelated tests facing a suite still recovering.
/// </summary>
[Collection(BrokerRestartCollection.Name)]
public sealed class BrokerRestartTests(DistributedSuiteFixture suite)
{
    [Fact]
    public async Task Restarting_the_broker_with_jobs_queued_completes_every_job_exactly_once()
    {
        await using var producer = new JobProducer(suite.Broker.Uri);
        await producer.StartAsync();
        var jobs = Enumerable.Range(0, 5).Select(i => producer.Job($"Broker restart job {i}", 200, stream: true)).ToList();
        foreach (var job in jobs)
        {
            await producer.SubmitAsync(job);
        }

        Assert.True(await producer.WaitAsync(() => !producer.Chunks.IsEmpty, TimeSpan.FromSeconds(60)), "no job started:\n" + suite.Logs());
        await suite.Broker.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        await suite.Broker.StartAsync();

        Assert.True(
            await producer.WaitAsync(() => producer.Completed.Select(c => c.JobId).Distinct().Count() == jobs.Count, TimeSpan.FromSeconds(180)),
            $"{producer.Completed.Select(c => c.JobId).Distinct().Count()} of {jobs.Count} jobs completed after the broker restart; "
            + $"failed: [{string.Join("; ", producer.Failed.Select(f => $"{f.JobId} {f.StatusCode} {f.Code}: {f.Message}"))}]; "
            + $"chunks per job: [{string.Join(", ", jobs.Select(j => $"{j.JobId}: {producer.Chunks.Count(c => c.JobId == j.JobId)}"))}]\n{suite.Logs()}");
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        Assert.Equal(jobs.Count, producer.Completed.Count);
        Assert.All(producer.Completed, c => Assert.Equal(200, c.CompletionTokens));
        await suite.WaitForWorkersAsync(2, TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task Restarting_the_broker_with_plain_JSON_jobs_queued_runs_each_job_once()
    {
        // A durable reply queue: an exclusive one would go with the producer's connection when the broker stops.
        await using var producer = await JsonJobProducer.StartAsync(suite.Broker.Uri, "test-json-restart-" + Guid.NewGuid().ToString("N")[..8]);
        var ids = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid().ToString()).ToList();
        foreach (var id in ids)
        {
            await producer.PublishAsync(id, new { model = DistributedSuiteFixture.Model, prompt = "Broker restart JSON job " + id, max_tokens = 200, ignore_eos = true, temperature = 0, stream = true }, apiKey: null);
        }

        Assert.True(await producer.WaitAsync(() => producer.Replies.Any(r => r.Type == JsonJobProperties.TextCompletionChunk), TimeSpan.FromSeconds(60)), "no job started:\n" + suite.Logs());
        await suite.Broker.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        await suite.Broker.StartAsync();

        Assert.True(
            await producer.WaitAsync(() => ids.All(id => producer.Results(id).Count > 0), TimeSpan.FromSeconds(180)),
            $"results after the broker restart: [{string.Join("; ", ids.Select(id => $"{id}: {string.Join(", ", producer.Results(id).Select(r => $"{r.Status} {r.Body}"))}"))}]\n{suite.Logs()}");
        foreach (var id in ids)
        {
            var results = producer.Results(id);
            Assert.All(results, r => Assert.Equal((JsonJobProperties.TextCompletion, 200), (r.Type, r.Status)));

            // One run: a result sent again (its confirm or acknowledgement lost in the restart) is the same object.
            Assert.Single(results.Select(r => r.Body.GetRawText()).Distinct());
            Assert.Equal(200, results[0].Body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        }

        await suite.WaitForWorkersAsync(2, TimeSpan.FromSeconds(90));
    }
}
