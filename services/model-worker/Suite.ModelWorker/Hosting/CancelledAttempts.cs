using System.Collections.Concurrent;
using System.Diagnostics;

namespace Suite.ModelWorker.Hosting;

/// <summary>
/// Attempts that were cancelled before (or while) this worker saw them. A cancellation is broadcast and the command it
/// cancels travels another way (tokenizer → router → worker), so either can arrive first: a command for an attempt
/// already cancelled here is dropped instead of decoding for nobody. Entries are forgotten after <see cref="Lifetime"/>,
/// far longer than any command lives on its way here (the gateway gives commands a 30 s time to live).
/// </summary>
public sealed class CancelledAttempts
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<Guid, (int UpToAttempt, long At)> _cancelled = new();
    private long _lastSweep = Stopwatch.GetTimestamp();

    public int Count => _cancelled.Count;

    /// <summary>Records that attempts up to <paramref name="upToAttempt"/> (every attempt when null) of the request are cancelled.</summary>
    public void Add(Guid requestId, int? upToAttempt)
    {
        var upTo = upToAttempt ?? int.MaxValue;
        var now = Stopwatch.GetTimestamp();
        _cancelled.AddOrUpdate(requestId, (upTo, now), (_, old) => (Math.Max(old.UpToAttempt, upTo), now));
        Sweep(now);
    }

    public bool IsCancelled(Guid requestId, int attempt)
        => _cancelled.TryGetValue(requestId, out var entry) && attempt <= entry.UpToAttempt;

    private void Sweep(long now)
    {
        if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastSweep), now) < TimeSpan.FromSeconds(30))
        {
            return;
        }

        Interlocked.Exchange(ref _lastSweep, now);
        foreach (var (id, entry) in _cancelled)
        {
            if (Stopwatch.GetElapsedTime(entry.At, now) > Lifetime)
            {
                _cancelled.TryRemove(id, out _);
            }
        }
    }
}
