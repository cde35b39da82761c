using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Suite.Gateway.Sessions;

/// <summary>
/// Watches every stream in flight: when its worker has died (silent past the timeout, or said goodbye), gave the
/// sequence up, or the stream made no progress past the stall timeout, the stream continues on another worker from the
/// tokens already delivered.
/// </summary>
public sealed partial class FailoverMonitor(StreamRegistry registry, FleetLiveness liveness, GenerationSessions sessions, IOptions<GatewayOptions> options, ILogger<FailoverMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    // Streams whose failover is under way. Each failover runs on its own: one that waits on the broker (a cancellation
    // or a resend after a restart, each bounded) must delay neither the other streams' failovers nor the next check.
    private readonly ConcurrentDictionary<GenerationStream, Task> _inFlight = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            foreach (var stream in registry.Active)
            {
                if (stream.IsFinished || _inFlight.ContainsKey(stream))
                {
                    continue;
                }

                var worker = stream.Worker;
                var reason = worker is null ? null : stream.AbandonedByWorker ? $"worker {worker} gave the sequence up" : liveness.WorkerDeath(worker);
                if (reason is null && stream.ResumeDue)
                {
                    reason = $"the resumed attempt was refused for now ({stream.RefusedReason})";
                }

                if (reason is null && stream.SecondsSinceActivity > options.Value.StallTimeoutSeconds)
                {
                    reason = $"no progress for {stream.SecondsSinceActivity:0.0} s (messages lost?)";
                }

                if (reason is not null)
                {
                    Start(stream, reason);
                }
            }
        }
    }

    private void Start(GenerationStream stream, string reason)
    {
        var failover = FailOverAsync(stream, reason);
        if (failover.IsCompleted)
        {
            return;
        }

        _inFlight[stream] = failover;
        _ = failover.ContinueWith(_ => _inFlight.TryRemove(stream, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task FailOverAsync(GenerationStream stream, string reason)
    {
        try
        {
            await sessions.FailOverAsync(stream, reason).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Never the end of the monitor: the stream is looked at again at the next tick.
            LogFailoverFailed(logger, stream.RequestId, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: failover did not complete: {Reason}")]
    private static partial void LogFailoverFailed(ILogger logger, Guid requestId, string reason);
}
