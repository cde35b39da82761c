using System.Net;
using System.Net.Http.Json;
using RabbitMQ.Client;
using Suite.Distributed.Tests.Infrastructure;

namespace Suite.Distributed.Tests;

/// <summary>On RabbitMQ the request pipeline runs on the raw hot-path queues, not on MassTransit's.</summary>
[Collection(DistributedSuiteCollection.Name)]
public sealed class HotPathTests(DistributedSuiteFixture suite)
{
    [Fact]
    public async Task Requests_cross_the_tokenizer_and_router_hot_queues_and_every_worker_and_gateway_consumes_its_own()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await suite.WaitForWorkersAsync(2, TimeSpan.FromSeconds(90));

        // Another test may just have restarted the broker or a service: the gateway answers 503 until it hears every
        // service again (a second or two), so retry within a bound.
        var status = HttpStatusCode.ServiceUnavailable;
        for (var i = 0; i < 60 && status != HttpStatusCode.OK; i++)
        {
            if (i > 0)
            {
                await Task.Delay(500, cancellation);
            }

            using var response = await suite.Http.PostAsJsonAsync("/v1/completions", new { model = DistributedSuiteFixture.Model, prompt = "Hot path", max_tokens = 4, temperature = 0 }, cancellation);
            status = response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, status);

        var factory = new ConnectionFactory { Uri = suite.Broker.Uri };
        await using var connection = await factory.CreateConnectionAsync(cancellation);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellation);
        foreach (var queue in new[] { "suite-tokenizer-hot", "suite-router-hot" })
        {
            // Passive: fails if the queue does not exist; it must have the service as a consumer.
            var state = await channel.QueueDeclarePassiveAsync(queue, cancellation);
            Assert.True(state.ConsumerCount >= 1, $"{queue} has {state.ConsumerCount} consumers");
        }

        // Each worker's and the gateway's own hot queue is announced in their logs with what it consumes.
        Assert.Contains("Pipeline (RabbitMQ): consuming suite-worker-cpu-a-hot (GenerateTokens)", suite.Process("worker-cpu-a").ReadLog(), StringComparison.Ordinal);
        Assert.Contains("Pipeline (RabbitMQ): consuming suite-worker-cpu-b-hot (GenerateTokens)", suite.Process("worker-cpu-b").ReadLog(), StringComparison.Ordinal);
        Assert.Contains("-hot (TokensGeneratedBatch, TokensGenerated, GenerationCompleted, GenerationFailed, GenerationsPending, GenerationPrepared)", suite.Process("gateway").ReadLog(), StringComparison.Ordinal);
    }
}
