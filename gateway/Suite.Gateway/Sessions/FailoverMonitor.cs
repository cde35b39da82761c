using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Suite.Gateway.Sessions;

/// <summary>
/// Watches every stream in flight: when its worker has died (silent past the timeout, or said goodbye), gave the
/// sequence up, or the stream made no progress past the stall timeout, the stream continues on another worker from the
/// tokens already delivered.
/// </summary>
public sealed class FailoverMonitor(StreamRegistry registry, FleetLiveness liveness, GenerationSessions sessions, IOptions<GatewayOptions> options) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            foreach (var stream in registry.Active)
            {
                if (stream.IsFinished)
                {
                    continue;
                }

                var worker = stream.Worker;
                var reason = worker is null ? null : stream.AbandonedByWorker ? $"worker {worker} gave the sequence up" : liveness.WorkerDeath(worker);
                if (reason is null && stream.SecondsSinceActivity > options.Value.StallTimeoutSeconds)
                {
                    reason = $"no progress for {stream.SecondsSinceActivity:0.0} s (messages lost?)";
                }

                if (reason is not null)
                {
                    await sessions.FailOverAsync(stream, reason).ConfigureAwait(false);
                }
            }
        }
    }
}
