using Microsoft.Extensions.Hosting;
using Suite.Router.Registry;

namespace Suite.Router.Index;

/// <summary>
/// Keeps the prefix index true: asks every worker for a snapshot when the router starts (so a restarted router
/// rebuilds its index), then once a second removes workers whose heartbeats stopped (their blocks leave with them),
/// drops unconfirmed entries, and asks for a snapshot from any worker whose heartbeats report KV events the index has
/// not applied for two heartbeats in a row (a lost batch, a reconnect).
/// </summary>
public sealed class KvIndexMaintenance(WorkerRegistry registry, PrefixIndex index, KvSnapshotRequester requester, IHostApplicationLifetime lifetime)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await Task.WhenAny(started.Task, Task.Delay(Timeout.Infinite, stoppingToken)).ConfigureAwait(false);
        await requester.RequestAsync(null, stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            registry.Sweep();
            index.Sweep();
            foreach (var worker in registry.AllLive())
            {
                if (worker.Heartbeat.Cache is not { Enabled: true } cache)
                {
                    continue;
                }

                var applied = index.AppliedSequence(worker.Slot);
                worker.KvLagHeartbeats = applied is null || applied < cache.KvEventSequence ? worker.KvLagHeartbeats + 1 : 0;
                if (worker.KvLagHeartbeats >= 2)
                {
                    await requester.RequestAsync(worker.Heartbeat.WorkerId, stoppingToken).ConfigureAwait(false);
                }
            }
        }
    }
}
