using Microsoft.Extensions.Hosting;

namespace Suite.Gateway.Streaming;

/// <summary>
/// Watches every stream in flight: when its worker has died (silent past the timeout, or said goodbye) or gave the
/// sequence up, the stream continues on another worker from the tokens already delivered.
/// </summary>
public sealed class FailoverMonitor(StreamRegistry registry, FleetLiveness liveness, GenerationClient client) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            foreach (var stream in registry.Active)
            {
                if (stream.IsFinished || stream.Worker is not { } worker)
                {
                    continue;
                }

                var reason = stream.AbandonedByWorker ? $"worker {worker} gave the sequence up" : liveness.WorkerDeath(worker);
                if (reason is not null)
                {
                    await client.FailOverAsync(stream, reason).ConfigureAwait(false);
                }
            }
        }
    }
}
