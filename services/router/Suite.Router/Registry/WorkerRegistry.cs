using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Suite.Contracts;

namespace Suite.Router.Registry;

/// <summary>The live view of every worker, fed only by heartbeats; a silent worker drops out after the timeout.</summary>
public sealed class WorkerRegistry(IOptions<RouterOptions> options)
{
    private readonly ConcurrentDictionary<string, WorkerEntry> _workers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ModelDescription> _knownModels = new(StringComparer.Ordinal);
    private readonly long _timeoutTicks = (long)(options.Value.WorkerTimeoutSeconds * Stopwatch.Frequency);
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly TimeSpan _warmUp = TimeSpan.FromSeconds(options.Value.WarmUpSeconds);

    /// <summary>False while the router is too new to have heard every live worker (see <see cref="RouterOptions.WarmUpSeconds"/>).</summary>
    public bool IsWarm => Stopwatch.GetElapsedTime(_started) >= _warmUp;

    /// <summary>Completes once the registry is warm.</summary>
    public Task WhenWarmAsync(CancellationToken cancellationToken)
    {
        var left = _warmUp - Stopwatch.GetElapsedTime(_started);
        return left > TimeSpan.Zero ? Task.Delay(left, cancellationToken) : Task.CompletedTask;
    }

    public void Observe(WorkerHeartbeat heartbeat)
    {
        var now = Stopwatch.GetTimestamp();
        _knownModels[heartbeat.Model] = heartbeat.ModelInfo;
        _workers.AddOrUpdate(
            heartbeat.WorkerId,
            _ => new WorkerEntry(heartbeat, now),
            (_, entry) =>
            {
                entry.Update(heartbeat, now);
                return entry;
            });
    }

    public void Remove(string workerId) => _workers.TryRemove(workerId, out _);

    /// <summary>Every model any worker ever announced, served right now or not.</summary>
    public IReadOnlyCollection<ModelDescription> KnownModels => _knownModels.Values.ToList();

    /// <summary>True if any worker ever announced this model (so a request for it is 503, not 404, while none is up).</summary>
    public bool IsKnownModel(string model) => _knownModels.ContainsKey(model);

    /// <summary>Live workers serving <paramref name="model"/>, dropping any that stopped heartbeating.</summary>
    public List<WorkerEntry> LiveWorkers(string model)
    {
        var now = Stopwatch.GetTimestamp();
        var live = new List<WorkerEntry>();
        foreach (var (id, entry) in _workers)
        {
            if (now - entry.ReceivedAt > _timeoutTicks)
            {
                _workers.TryRemove(id, out _);
                continue;
            }

            if (string.Equals(entry.Heartbeat.Model, model, StringComparison.Ordinal))
            {
                live.Add(entry);
            }
        }

        return live;
    }

    /// <summary>Every live worker.</summary>
    public List<WorkerEntry> AllLive()
    {
        var now = Stopwatch.GetTimestamp();
        return _workers.Values.Where(e => now - e.ReceivedAt <= _timeoutTicks).ToList();
    }

    public static double SecondsSince(long timestamp) => (Stopwatch.GetTimestamp() - timestamp) / (double)Stopwatch.Frequency;
}
