using MassTransit;
using Microsoft.Extensions.Logging;
using Suite.Contracts.KvCache;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Hosting;
using Suite.ServiceDefaults.Bus;

namespace Suite.ModelWorker.KvEvents;

/// <summary>
/// Tells routers what one worker's prefix cache holds: a snapshot when asked (and once at start), then batches of
/// stored and evicted blocks at a fixed interval, published on the bus like heartbeats (not on the request path).
/// </summary>
public sealed partial class KvEventPublisher(IPublishEndpoint bus, WorkerIdentity identity, ILogger logger)
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Publishes the changes since the previous call, if any.</summary>
    public async Task PublishChangesAsync(IInferenceBackend backend, CancellationToken cancellationToken)
    {
        if (backend.KvEvents?.Drain() is not { } batch)
        {
            return;
        }

        await PublishAsync(
            new KvBlocksChanged(identity.WorkerId, backend.Model.Id, backend.KvEvents.BlockTokens, batch.Sequence, batch.Stored, batch.Evicted, DateTimeOffset.UtcNow),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Publishes every block the cache holds now.</summary>
    public async Task PublishSnapshotAsync(IInferenceBackend backend, CancellationToken cancellationToken)
    {
        if (backend.KvEvents is not { } events)
        {
            return;
        }

        var (sequence, blocks) = events.Snapshot();
        await PublishAsync(
            new KvCacheSnapshot(identity.WorkerId, backend.Model.Id, events.BlockTokens, sequence, blocks, DateTimeOffset.UtcNow),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task PublishAsync<T>(T message, CancellationToken cancellationToken)
        where T : class
    {
        // Bounded, as heartbeats are: a publish begun while the broker is down must not hold the loop.
        try
        {
            await bus.PublishWithinAsync(message, PublishTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // A lost batch is healed: the router sees the sequence gap in the next heartbeat and asks for a snapshot.
            LogPublishFailed(logger, typeof(T).Name, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message} not published: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string message, string reason);
}
