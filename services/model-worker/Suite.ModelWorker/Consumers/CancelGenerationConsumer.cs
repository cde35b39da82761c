using MassTransit;
using Suite.Contracts;
using Suite.ModelWorker.Hosting;

namespace Suite.ModelWorker.Consumers;

/// <summary>A client went away: free the slot if this worker holds the sequence (every worker hears the event).</summary>
public sealed class CancelGenerationConsumer(WorkerRuntime runtime) : IConsumer<CancelGeneration>
{
    public Task Consume(ConsumeContext<CancelGeneration> context)
    {
        runtime.Cancel(context.Message.RequestId);
        return Task.CompletedTask;
    }
}
