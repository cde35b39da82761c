using MassTransit;
using Suite.Contracts;
using Suite.Router.Index;
using Suite.Router.Registry;

namespace Suite.Router.Consumers;

/// <summary>Feeds the registry; a worker the router has not seen before is asked for its KV snapshot.</summary>
public sealed class WorkerHeartbeatConsumer(WorkerRegistry registry, PrefixIndex index, KvSnapshotRequester requester)
    : IConsumer<WorkerHeartbeat>, IConsumer<WorkerStopped>
{
    public Task Consume(ConsumeContext<WorkerHeartbeat> context)
    {
        var (entry, added) = registry.Observe(context.Message);
        return added && context.Message.Cache is { Enabled: true } && index.AppliedSequence(entry.Slot) is null
            ? requester.RequestAsync(context.Message.WorkerId, context.CancellationToken)
            : Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<WorkerStopped> context)
    {
        registry.Remove(context.Message.WorkerId);
        return Task.CompletedTask;
    }
}
