using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Suite.Gateway.Usage;

/// <summary>
/// Counts every finished request per hour, tenant, key, model and backend, in memory, and adds the counts to the usage
/// store every few seconds (and before a usage report, and when the gateway stops): one database round trip per
/// interval instead of one per request. Counts of a flush that fails are kept for the next.
/// </summary>
public sealed partial class UsageRecorder(IUsageStore store, TimeProvider time, ILogger<UsageRecorder> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<UsageKey, UsageCounts> _pending = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);

    public void Record(string tenant, string? key, string model, string? backend, bool failed, long inputTokens, long outputTokens)
    {
        var now = time.GetUtcNow();
        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var counts = new UsageCounts(1, failed ? 1 : 0, inputTokens, outputTokens);
        _pending.AddOrUpdate(new UsageKey(hour, tenant, key ?? string.Empty, model, backend ?? string.Empty), counts, (_, sum) => sum + counts);
    }

    /// <summary>Adds everything counted so far to the store.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var rows = new List<KeyValuePair<UsageKey, UsageCounts>>();
            foreach (var key in _pending.Keys)
            {
                if (_pending.TryRemove(key, out var counts))
                {
                    rows.Add(new(key, counts));
                }
            }

            try
            {
                await store.AddAsync(rows, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                foreach (var (key, counts) in rows)
                {
                    _pending.AddOrUpdate(key, counts, (_, sum) => sum + counts);
                }

                throw;
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogFlushFailed(logger, e.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await FlushAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFlushFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage could not be stored yet (kept for the next flush): {Reason}")]
    private static partial void LogFlushFailed(ILogger logger, string reason);
}
