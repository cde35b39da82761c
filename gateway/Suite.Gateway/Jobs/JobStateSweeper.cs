using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Suite.Gateway.Jobs;

/// <summary>
/// Deletes finished jobs older than <see cref="JobsOptions.ResultRetentionHours"/> from the shared job state every
/// <see cref="JobsOptions.SweepIntervalSeconds"/>. Every gateway sweeps; a delete is idempotent, so they need not agree.
/// </summary>
public sealed partial class JobStateSweeper(PostgresJobStore store, IOptions<JobsOptions> options, ILogger<JobStateSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SweepIntervalSeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                if (await store.SweepAsync(stoppingToken).ConfigureAwait(false) is > 0 and var deleted)
                {
                    LogSwept(logger, deleted);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The next tick tries again; results only live a little longer.
                LogSweepFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} finished jobs past their retention")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The job state sweep failed: {Reason}")]
    private static partial void LogSweepFailed(ILogger logger, string reason);
}
