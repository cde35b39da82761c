using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Suite.Contracts.KvCache;
using Suite.ServiceDefaults.Bus;

namespace Suite.Router.Index;

/// <summary>Asks workers for KV snapshots, at most once a second per worker, so one gap does not become a storm.</summary>
public sealed class KvSnapshotRequester(IServiceProvider services)
{
    private static readonly long MinimumInterval = Stopwatch.Frequency;
    private readonly ConcurrentDictionary<string, long> _lastAsked = new(StringComparer.Ordinal);

    /// <summary>Asks one worker (or, with null, every worker) for its snapshot.</summary>
    public async Task RequestAsync(string? workerId, CancellationToken cancellationToken)
    {
        var key = workerId ?? "*";
        var now = Stopwatch.GetTimestamp();
        if (_lastAsked.TryGetValue(key, out var last) && now - last < MinimumInterval)
        {
            return;
        }

        _lastAsked[key] = now;

        // Resolved on use: the bus is built after the router's services are registered.
        var bus = (IPublishEndpoint)services.GetService(typeof(IBus))!;
        try
        {
            await bus.PublishWithinAsync(new KvSnapshotRequested(workerId, SuiteBusRegistrations.InstanceId), TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            // The broker is away; the next heartbeat's check asks again.
        }
    }
}
