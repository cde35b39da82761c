using MassTransit;
using Suite.Contracts;
using Suite.ModelWorker.Hosting;

namespace Suite.ModelWorker.Consumers;

/// <summary>Takes a routed request off this worker's queue and starts streaming it; returns as soon as it is scheduled.</summary>
public sealed class GenerateTokensConsumer(WorkerRuntime runtime) : IConsumer<GenerateTokens>
{
    public Task Consume(ConsumeContext<GenerateTokens> context) => runtime.StartAsync(context.Message, context.CancellationToken);
}
