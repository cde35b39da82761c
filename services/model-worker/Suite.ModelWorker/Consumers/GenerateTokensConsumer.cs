using MassTransit;
using Suite.Contracts;
using Suite.ModelWorker.Hosting;
using Suite.ServiceDefaults.Bus.HotPath;

namespace Suite.ModelWorker.Consumers;

/// <summary>Takes a routed request off this worker's queue and starts streaming it; returns as soon as it is scheduled.</summary>
public sealed class GenerateTokensConsumer(WorkerRuntime runtime) : IConsumer<GenerateTokens>, IPipelineHandler<GenerateTokens>
{
    public Task Consume(ConsumeContext<GenerateTokens> context) => runtime.StartAsync(context.Message, context.CancellationToken);

    public Task HandleAsync(GenerateTokens message, CancellationToken cancellationToken) => runtime.StartAsync(message, cancellationToken);
}
