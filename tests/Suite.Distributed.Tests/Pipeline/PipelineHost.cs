using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Suite.Contracts;
using Suite.ServiceDefaults.Bus;
using Suite.ServiceDefaults.Pipeline;

namespace Suite.Distributed.Tests.Pipeline;

/// <summary>
/// A host built the way every service builds itself (<c>SuiteBus().PipelineEndpoint(...)</c>, then
/// <c>AddSuiteBus()</c>), on the in-memory transport or on RabbitMQ, with two endpoints: a "worker" queue handled one
/// message at a time whose handler records what it gets (and throws for a poison prompt), and a "gateway" queue that
/// records failure replies.
/// </summary>
public sealed class PipelineHost : IAsyncDisposable
{
    public const string PoisonPrompt = "throw, please";

    private readonly IHost _host;

    private PipelineHost(IHost host, string worker, string gateway)
    {
        _host = host;
        WorkerQueue = worker;
        GatewayQueue = gateway;
    }

    public string WorkerQueue { get; }

    public string GatewayQueue { get; }

    public Recorder Records => _host.Services.GetRequiredService<Recorder>();

    public IPipelineSender Sender => _host.Services.GetRequiredService<IPipelineSender>();

    public IPipelineTransport Transport => _host.Services.GetRequiredService<IPipelineTransport>();

    public static async Task<PipelineHost> StartAsync(string transport, Uri? broker)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var worker = PipelineAddresses.InstanceQueue("test-worker-" + suffix);
        var gateway = PipelineAddresses.InstanceQueue("test-gateway-" + suffix);
        var builder = Host.CreateApplicationBuilder();
        if (transport == "rabbitmq")
        {
            builder.Configuration["SUITE_RABBITMQ_URI"] = broker!.ToString();
        }

        builder.Services.AddSingleton<Recorder>();
        builder.SuiteBus()
            .PipelineEndpoint(worker, shared: false, concurrency: 1, e => e
                .Handle<PrepareGeneration, RecordingHandler>((m, ex) => PipelineFailures.ToRequester(m.RequestId, m.ReplyAddress, "test worker", ex)))
            .PipelineEndpoint(gateway, shared: false, concurrency: 1, e => e.Handle<GenerationFailed, RecordingHandler>());
        builder.AddSuiteBus();
        var host = builder.Build();
        await host.StartAsync();
        return new PipelineHost(host, worker, gateway);
    }

    public static PrepareGeneration Command(int number, Uri replyTo, string prompt = "ok") => new(
        Guid.NewGuid(),
        "m",
        new GenerationInput(prompt, null),
        SamplingParameters.Greedy,
        new GenerationLimits(number, []),
        replyTo,
        0,
        DateTimeOffset.UtcNow,
        Continuation.First);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    /// <summary>What the handlers saw, with the trace context current while they ran.</summary>
    public sealed class Recorder
    {
        public ConcurrentQueue<(PrepareGeneration Command, string? ParentSpanId)> Commands { get; } = new();

        public ConcurrentQueue<GenerationFailed> Failures { get; } = new();
    }

    private sealed class RecordingHandler(Recorder recorder) : IPipelineHandler<PrepareGeneration>, IPipelineHandler<GenerationFailed>
    {
        public Task HandleAsync(PrepareGeneration message, CancellationToken cancellationToken)
        {
            if (message.Input.Prompt == PoisonPrompt)
            {
                throw new InvalidOperationException("This handler fails on purpose.");
            }

            recorder.Commands.Enqueue((message, System.Diagnostics.Activity.Current?.ParentSpanId.ToHexString()));
            return Task.CompletedTask;
        }

        public Task HandleAsync(GenerationFailed message, CancellationToken cancellationToken)
        {
            recorder.Failures.Enqueue(message);
            return Task.CompletedTask;
        }
    }
}
