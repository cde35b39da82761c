using System.Net.Http.Json;
using System.Text;
using RabbitMQ.Client;
using Suite.Contracts;
using Suite.Contracts.Jobs;
using Suite.Distributed.Tests.Infrastructure;

namespace Suite.Distributed.Tests;

/// <summary>The message-queue producer contract: idempotency, priority, poison messages, and a broker restart.</summary>
[Collection(DistributedSuiteCollection.Name)]
public sealed class JobQueueTests(DistributedSuiteFixture suite)
{
    [Fact]
    public async Task A_resubmitted_job_is_not_run_twice()
    {
        await using var producer = new JobProducer(suite.Broker.Uri);
        await producer.StartAsync();
        var job = producer.Job("Idempotency check", 60);
        await producer.SubmitAsync(job);
        await producer.SubmitAsync(job);
        Assert.True(await producer.WaitAsync(() => producer.Completed.Count >= 2, TimeSpan.FromSeconds(60)), $"{producer.Completed.Count} of 2 answers:\n{suite.Logs()}");
        var results = producer.Completed.ToList();
        Assert.All(results, r => Assert.Equal(job.JobId, r.JobId));

        // Both answers are the one run's result (same completion time and worker), not two runs.
        Assert.Single(results.Select(r => (r.CompletedAt, r.WorkerId, r.Text)).Distinct());
    }

    [Fact]
    public async Task Higher_priority_jobs_overtake_queued_ones()
    {
        await using var producer = new JobProducer(suite.Broker.Uri);
        await producer.StartAsync();
        var low = Enumerable.Range(0, 6).Select(i => producer.Job($"Low priority job {i}", 150, priority: 0)).ToList();
        foreach (var job in low)
        {
            await producer.SubmitAsync(job);
        }

        var high = producer.Job("High priority job", 150, priority: 9);
        await producer.SubmitAsync(high);
        Assert.True(await producer.WaitAsync(() => producer.Completed.Count >= 7, TimeSpan.FromSeconds(120)), suite.Logs());
        var order = producer.Completed.Select(c => c.JobId).ToList();
        Assert.True(order.IndexOf(high.JobId) < 4, $"the high-priority job finished at position {order.IndexOf(high.JobId)} of 7");
    }

    [Fact]
    public async Task Malformed_and_invalid_jobs_end_in_the_error_queue_with_a_reason_and_the_gateway_keeps_serving()
    {
        await using var producer = new JobProducer(suite.Broker.Uri);
        await producer.StartAsync();
        var invalid = producer.Job("x", 10) with { Priority = 42 };
        await producer.SubmitAsync(invalid);
        Assert.True(await producer.WaitAsync(() => !producer.Failed.IsEmpty, TimeSpan.FromSeconds(30)), "the invalid job was not answered:\n" + suite.Logs());
        Assert.Equal(400, Assert.Single(producer.Failed).StatusCode);

        var factory = new ConnectionFactory { Uri = suite.Broker.Uri };
        await using var connection = await factory.CreateConnectionAsync(TestContext.Current.CancellationToken);
        await using (var publisher = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken))
        {
            var garbage = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = Guid.NewGuid().ToString() };
            await publisher.BasicPublishAsync(QueueNames.Jobs, string.Empty, false, garbage, Encoding.UTF8.GetBytes("{ this is not json"), TestContext.Current.CancellationToken);
        }

        var reasons = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (reasons.Count < 2 && DateTime.UtcNow < deadline)
        {
            // The error queue appears with the first fault; asking for a missing queue closes the channel, so each
            // poll uses a fresh one.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
            BasicGetResult? message;
            try
            {
                message = await channel.BasicGetAsync(QueueNames.Jobs + "_error", autoAck: true, TestContext.Current.CancellationToken);
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                message = null;
            }

            if (message is null)
            {
                await Task.Delay(200, TestContext.Current.CancellationToken);
                continue;
            }

            var headers = message.BasicProperties.Headers ?? new Dictionary<string, object?>();
            Assert.True(headers.TryGetValue("MT-Fault-Message", out var reason), "error-queue message without a fault reason");
            reasons.Add(reason is byte[] bytes ? Encoding.UTF8.GetString(bytes) : reason?.ToString() ?? string.Empty);
        }

        Assert.Equal(2, reasons.Count);
        Assert.Contains(reasons, r => r.Contains("Priority", StringComparison.Ordinal));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await suite.Http.GetAsync("/health", TestContext.Current.CancellationToken)).StatusCode);

        // Still serving jobs.
        var ok = producer.Job("After the poison", 8);
        await producer.SubmitAsync(ok);
        Assert.True(await producer.WaitAsync(() => producer.Completed.Any(c => c.JobId == ok.JobId), TimeSpan.FromSeconds(60)), "the job after the poison did not complete:\n" + suite.Logs());
    }

    /// <summary>
    /// Killed before: the gateway's model lookup (a request to the router) times out while the job waits. Killed just
    /// after: the gateway has the model list cached (it was just listed), so the job most likely enters the pipeline and
    /// waits in the router's queue, and the restarted router must not answer "no such model" before it heard the workers.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_job_taken_while_the_router_is_down_completes_once_the_router_is_back(bool killAfterSubmitting)
    {
        await using var producer = new JobProducer(suite.Broker.Uri);
        await producer.StartAsync();
        var job = producer.Job("Submitted during a router outage", 16);
        if (!killAfterSubmitting)
        {
            suite.Kill("router");
        }

        try
        {
            if (killAfterSubmitting)
            {
                (await suite.Http.GetAsync("/v1/models", TestContext.Current.CancellationToken)).Dispose();
            }

            await producer.SubmitAsync(job);
            if (killAfterSubmitting)
            {
                suite.Kill("router");
            }

            // Longer than a few model lookups (5 s each), message retries and stall timeouts: a job that took the
            // outage for final would be in the error queue or answered with a failure by now.
            await Task.Delay(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
            Assert.Empty(producer.Failed);
            await suite.RestartAsync("router");
            Assert.True(await producer.WaitAsync(() => !producer.Completed.IsEmpty || !producer.Failed.IsEmpty, TimeSpan.FromSeconds(120)), "the job was not answered after the router came back:\n" + suite.Logs());
            Assert.Empty(producer.Failed.Select(f => $"{f.StatusCode} {f.Code}: {f.Message}"));
            Assert.Equal(job.JobId, Assert.Single(producer.Completed).JobId);
        }
        finally
        {
            if (suite.Process("router").HasExited)
            {
                await suite.RestartAsync("router");
            }

            await suite.WaitForWorkersAsync(2, TimeSpan.FromSeconds(90));
        }
    }

    [Fact]
    public async Task A_restarted_router_never_answers_that_a_served_model_does_not_exist()
    {
        suite.Kill("router");
        await suite.RestartAsync("router");
        var statuses = new List<int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!statuses.Contains(200) && DateTime.UtcNow < deadline)
        {
            using var response = await suite.Http.PostAsJsonAsync("/v1/completions", new { model = DistributedSuiteFixture.Model, prompt = "ping", max_tokens = 2, temperature = 0 }, TestContext.Current.CancellationToken);
            statuses.Add((int)response.StatusCode);
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Contains(200, statuses);
        Assert.DoesNotContain(404, statuses);
        await suite.WaitForWorkersAsync(2, TimeSpan.FromSeconds(90));
    }

}
