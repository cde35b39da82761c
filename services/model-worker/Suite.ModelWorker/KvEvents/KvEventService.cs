using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Suite.ModelWorker.Hosting;

namespace Suite.ModelWorker.KvEvents;

/// <summary>The worker's KV event loop: a snapshot once the bus is up, then a batch of changes every interval.</summary>
public sealed class KvEventService(
    WorkerRuntime runtime,
    IBus bus,
    IOptions<ModelWorkerOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<KvEventService> logger) : BackgroundService
{
    public KvEventPublisher Publisher { get; } = new(bus, runtime.Identity, logger);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await Task.WhenAny(started.Task, Task.Delay(Timeout.Infinite, stoppingToken)).ConfigureAwait(false);
        if (runtime.Backend is { } first)
        {
            await Publisher.PublishSnapshotAsync(first, stoppingToken).ConfigureAwait(false);
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.KvEventIntervalMilliseconds));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (runtime.Backend is { } backend)
            {
                await Publisher.PublishChangesAsync(backend, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
