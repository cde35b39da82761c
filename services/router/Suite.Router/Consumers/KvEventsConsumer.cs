using MassTransit;
using Suite.Contracts.KvCache;
using Suite.Router.Index;
using Suite.Router.Registry;

namespace Suite.Router.Consumers;

/// <summary>Feeds the prefix index from workers' KV events and snapshots; a gap in a worker's events asks it for a snapshot.</summary>
public sealed class KvEventsConsumer(WorkerRegistry registry, PrefixIndex index, KvSnapshotRequester requester)
    : IConsumer<KvBlocksChanged>, IConsumer<KvCacheSnapshot>
{
    public async Task Consume(ConsumeContext<KvBlocksChanged> context)
    {
        var message = context.Message;
        if (!index.Apply(registry.SlotOf(message.WorkerId), message))
        {
            await requester.RequestAsync(message.WorkerId, context.CancellationToken).ConfigureAwait(false);
        }
    }

    public Task Consume(ConsumeContext<KvCacheSnapshot> context)
    {
        var message = context.Message;
        index.Apply(registry.SlotOf(message.WorkerId), message);
        return Task.CompletedTask;
    }
}
