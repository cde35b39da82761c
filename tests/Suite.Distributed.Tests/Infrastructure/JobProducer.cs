using System.Collections.Concurrent;
using MassTransit;
using Suite.Contracts;
using Suite.Contracts.Jobs;

namespace Suite.Distributed.Tests.Infrastructure;

/// <summary>
/// A program that submits generation jobs over RabbitMQ, as the README describes: it sends
/// <see cref="SubmitGenerationJob"/> to the jobs queue and receives results on its own durable queue.
/// </summary>
public sealed class JobProducer : IAsyncDisposable
{
    private readonly IBusControl _bus;
    private readonly string _queue = "test-producer-" + Guid.NewGuid().ToString("N")[..8];

    public JobProducer(Uri broker)
    {
        _bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(broker);
            cfg.ReceiveEndpoint(_queue, e =>
            {
                e.Handler<GenerationJobCompleted>(context =>
                {
                    Completed.Enqueue(context.Message);
                    return Task.CompletedTask;
                });
                e.Handler<GenerationJobFailed>(context =>
                {
                    Failed.Enqueue(context.Message);
                    return Task.CompletedTask;
                });
                e.Handler<GenerationJobChunk>(context =>
                {
                    Chunks.Enqueue(context.Message);
                    return Task.CompletedTask;
                });
            });
        });
    }

    public ConcurrentQueue<GenerationJobCompleted> Completed { get; } = new();

    public ConcurrentQueue<GenerationJobFailed> Failed { get; } = new();

    public ConcurrentQueue<GenerationJobChunk> Chunks { get; } = new();

    public Uri ReplyTo => new($"queue:{_queue}");

    public async Task StartAsync() => await _bus.StartAsync(TimeSpan.FromSeconds(30));

    public async Task SubmitAsync(SubmitGenerationJob job)
    {
        var endpoint = await _bus.GetSendEndpoint(QueueNames.JobsAddress);
        await endpoint.Send(job, context => context.SetPriority((byte)job.Priority));
    }

    /// <summary>Sends raw bytes to the jobs queue, as a broken producer would.</summary>
    public async Task SubmitRawAsync(object message)
    {
        var endpoint = await _bus.GetSendEndpoint(QueueNames.JobsAddress);
        await endpoint.Send(message);
    }

    public SubmitGenerationJob Job(string prompt, int maxTokens, int priority = 0, Guid? id = null, bool stream = false) => new(
        id ?? Guid.NewGuid(),
        DistributedSuiteFixture.Model,
        new GenerationInput(prompt, null),
        SamplingParameters.Greedy,
        new GenerationLimits(maxTokens, [], IgnoreEos: true),
        ReplyTo,
        priority,
        stream);

    public async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return condition();
    }

    public async ValueTask DisposeAsync() => await _bus.StopAsync(TimeSpan.FromSeconds(10));
}
