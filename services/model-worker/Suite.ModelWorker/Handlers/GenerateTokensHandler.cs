using Suite.Contracts;
using Suite.ModelWorker.Hosting;
using Suite.ServiceDefaults.Pipeline;

namespace Suite.ModelWorker.Handlers;

/// <summary>Takes a routed request off this worker's queue and starts streaming it; returns as soon as it is scheduled.</summary>
public sealed class GenerateTokensHandler(WorkerRuntime runtime) : IPipelineHandler<GenerateTokens>
{
    public Task HandleAsync(GenerateTokens message, CancellationToken cancellationToken) => runtime.StartAsync(message, cancellationToken);
}
