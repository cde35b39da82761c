using MassTransit;
using Suite.Contracts;
using Suite.ModelWorker.Hosting;

namespace Suite.ModelWorker.Consumers;

/// <summary>Frees the slot if this worker holds the sequence the event names (every worker hears the event).</summary>
public sealed class CancelGenerationConsumer(WorkerRuntime runtime) : IConsumer<CancelGeneration>
{
    public Task Consume(ConsumeContext<CancelGeneration> context)
    {
        var message = context.Message;
        if (message.WorkerId is null || string.Equals(message.WorkerId, runtime.Identity.WorkerId, StringComparison.Ordinal))
        {
            runtime.Cancel(message.RequestId, message.Attempt);
        }

        return Task.CompletedTask;
    }
}
