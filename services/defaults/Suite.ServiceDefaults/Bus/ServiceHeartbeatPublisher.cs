using MassTransit;
using Microsoft.Extensions.Hosting;
using Suite.Contracts;

namespace Suite.ServiceDefaults.Bus;

/// <summary>Publishes <see cref="ServiceHeartbeat"/> every second once the host has started.</summary>
public sealed class ServiceHeartbeatPublisher(string service, IBus bus, IHostApplicationLifetime lifetime) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await Task.WhenAny(started.Task, Task.Delay(Timeout.Infinite, stoppingToken)).ConfigureAwait(false);
        using var timer = new PeriodicTimer(Interval);
        do
        {
            // Bounded, so a publish begun while the broker restarts cannot stall the heartbeat for good.
            try
            {
                await bus.PublishWithinAsync(new ServiceHeartbeat(service, SuiteBusRegistrations.InstanceId, DateTimeOffset.UtcNow), Interval * 2, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The broker may be restarting; the next tick tries again.
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
