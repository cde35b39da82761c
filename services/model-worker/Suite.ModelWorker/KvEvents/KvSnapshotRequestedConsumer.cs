using MassTransit;
using Suite.Contracts.KvCache;
using Suite.ModelWorker.Hosting;

namespace Suite.ModelWorker.KvEvents;

/// <summary>Answers a router's request for this worker's cache snapshot (every worker hears the event).</summary>
public sealed class KvSnapshotRequestedConsumer(WorkerRuntime runtime, KvEventService events) : IConsumer<KvSnapshotRequested>
{
    public Task Consume(ConsumeContext<KvSnapshotRequested> context)
    {
        var message = context.Message;
        if (runtime.Backend is not { } backend
            || (message.WorkerId is not null && !string.Equals(message.WorkerId, runtime.Identity.WorkerId, StringComparison.Ordinal)))
        {
            return Task.CompletedTask;
        }

        return events.Publisher.PublishSnapshotAsync(backend, context.CancellationToken);
    }
}
