using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Suite.Contracts;

namespace Suite.Router.Registry;

/// <summary>
/// The live view of every worker, fed only by heartbeats; a silent worker drops out after the timeout. Each worker
/// id keeps one slot number for as long as the router runs. <see cref="WorkerRemoved"/> tells the prefix index when a
/// worker leaves, so its blocks leave with it.
/// </summary>
public sealed class WorkerRegistry(IOptions<RouterOptions> options)
{
    private readonly ConcurrentDictionary<string, WorkerEntry> _workers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _slots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ModelDescription> _knownModels = new(StringComparer.Ordinal);
    private readonly long _timeoutTicks = (long)(options.Value.WorkerTimeoutSeconds * Stopwatch.Frequency);
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly TimeSpan _warmUp = TimeSpan.FromSeconds(options.Value.WarmUpSeconds);
    private readonly TimeSpan _warmUpLimit = TimeSpan.FromSeconds(Math.Max(options.Value.WarmUpSeconds, options.Value.WarmUpLimitSeconds));
    private readonly TaskCompletionSource _firstHeard = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _firstHeardAt;

    /// <summary>
    /// False while the router may not yet have heard every live worker: until <see cref="RouterOptions.WarmUpSeconds"/>
    /// after the first heartbeat reached it — counted from what it heard, not from its start, since a loaded machine
    /// can take seconds to connect and bind — or, when no heartbeat comes at all, until
    /// <see cref="RouterOptions.WarmUpLimitSeconds"/> after its start.
    /// </summary>
    public bool IsWarm
    {
        get
        {
            var first = Volatile.Read(ref _firstHeardAt);
            return (first != 0 && Stopwatch.GetElapsedTime(first) >= _warmUp) || Stopwatch.GetElapsedTime(_started) >= _warmUpLimit;
        }
    }

    /// <summary>Completes once the registry is warm.</summary>
    public async Task WhenWarmAsync(CancellationToken cancellationToken)
    {
        if (IsWarm)
        {
            return;
        }

        var limit = _warmUpLimit - Stopwatch.GetElapsedTime(_started);
        using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            await Task.WhenAny(_firstHeard.Task, Task.Delay(limit > TimeSpan.Zero ? limit : TimeSpan.Zero, waiting.Token)).ConfigureAwait(false);
            await waiting.CancelAsync().ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        // A timer can fire a little before the stopwatch says the time is up: wait until the registry itself is warm.
        while (!IsWarm)
        {
            var first = Volatile.Read(ref _firstHeardAt);
            var left = first == 0 ? TimeSpan.MaxValue : _warmUp - Stopwatch.GetElapsedTime(first);
            var toLimit = _warmUpLimit - Stopwatch.GetElapsedTime(_started);
            left = left < toLimit ? left : toLimit;
            await Task.Delay(left > TimeSpan.FromMilliseconds(1) ? left : TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    private int _nextSlot;

    /// <summary>Raised with the worker's slot when it leaves (timeout or goodbye).</summary>
    public event Action<int>? WorkerRemoved;

    /// <summary>One more than the highest slot handed out: the size of per-slot arrays.</summary>
    public int SlotCount => Volatile.Read(ref _nextSlot);

    /// <summary>The slot of a worker id, assigned on first sight.</summary>
    public int SlotOf(string workerId) => _slots.GetOrAdd(workerId, _ => Interlocked.Increment(ref _nextSlot) - 1);

    /// <summary>The live entry of a worker id, or null.</summary>
    public WorkerEntry? Find(string workerId) => _workers.TryGetValue(workerId, out var entry) ? entry : null;

    /// <summary>Records a heartbeat; returns the entry and whether the worker is new to the registry.</summary>
    public (WorkerEntry Entry, bool Added) Observe(WorkerHeartbeat heartbeat)
    {
        var now = Stopwatch.GetTimestamp();
        if (Interlocked.CompareExchange(ref _firstHeardAt, now, 0) == 0)
        {
            _firstHeard.TrySetResult();
        }

        _knownModels[heartbeat.Model] = heartbeat.ModelInfo;
        var added = false;
        var entry = _workers.AddOrUpdate(
            heartbeat.WorkerId,
            id =>
            {
                added = true;
                return new WorkerEntry(heartbeat, now, SlotOf(id));
            },
            (_, entry) =>
            {
                entry.Update(heartbeat, now);
                return entry;
            });
        return (entry, added);
    }

    public void Remove(string workerId)
    {
        if (_workers.TryRemove(workerId, out var entry))
        {
            WorkerRemoved?.Invoke(entry.Slot);
        }
    }

    /// <summary>Every model any worker ever announced, served right now or not.</summary>
    public IReadOnlyCollection<ModelDescription> KnownModels => _knownModels.Values.ToList();

    /// <summary>True if any worker ever announced this model (so a request for it is 503, not 404, while none is up).</summary>
    public bool IsKnownModel(string model) => _knownModels.ContainsKey(model);

    /// <summary>Live workers serving <paramref name="model"/>, dropping any that stopped heartbeating.</summary>
    public List<WorkerEntry> LiveWorkers(string model)
    {
        var now = Stopwatch.GetTimestamp();
        var live = new List<WorkerEntry>(_workers.Count);
        foreach (var (id, entry) in _workers)
        {
            if (now - entry.ReceivedAt > _timeoutTicks)
            {
                Expire(id, entry);
                continue;
            }

            if (string.Equals(entry.Heartbeat.Model, model, StringComparison.Ordinal))
            {
                live.Add(entry);
            }
        }

        return live;
    }

    /// <summary>Every live worker, dropping any that stopped heartbeating.</summary>
    public List<WorkerEntry> AllLive()
    {
        Sweep();
        var now = Stopwatch.GetTimestamp();
        return _workers.Values.Where(e => now - e.ReceivedAt <= _timeoutTicks).ToList();
    }

    /// <summary>Removes every worker whose heartbeats stopped (also done lazily by <see cref="LiveWorkers"/>).</summary>
    public void Sweep()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var (id, entry) in _workers)
        {
            if (now - entry.ReceivedAt > _timeoutTicks)
            {
                Expire(id, entry);
            }
        }
    }

    public static double SecondsSince(long timestamp) => (Stopwatch.GetTimestamp() - timestamp) / (double)Stopwatch.Frequency;

    private void Expire(string id, WorkerEntry entry)
    {
        // Only the entry that timed out: a heartbeat may have replaced it in between.
        if (_workers.TryRemove(new KeyValuePair<string, WorkerEntry>(id, entry)))
        {
            WorkerRemoved?.Invoke(entry.Slot);
        }
    }
}
