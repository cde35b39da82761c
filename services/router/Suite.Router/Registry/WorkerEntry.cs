using Suite.Contracts;

namespace Suite.Router.Registry;

/// <summary>
/// What the router knows of one worker: its last heartbeat, when it arrived (monotonic clock), its slot (a small
/// integer that names it in the prefix index), and the requests (and their uncached prompt tokens) sent to it that its
/// last heartbeat does not count yet, so a burst does not pile onto the worker that looked idle a moment ago. A worker
/// that reports how many requests it has taken in (<see cref="WorkerHeartbeat.ReceivedRequests"/>) has exactly those
/// still in transit kept; for an older worker every heartbeat clears them (a heartbeat arriving in the middle of a
/// burst then forgets requests still on their way, and the worker can be overfilled).
/// </summary>
public sealed class WorkerEntry
{
    /// <summary>A request sent this long ago and still not counted by the worker was lost on the way (a broker restart).</summary>
    private const double InTransitExpirySeconds = 10;

    private readonly Queue<(long Index, int Tokens, long SentAt)> _inTransit = new();
    private readonly Lock _lock = new();
    private int _assignedSinceHeartbeat;
    private long _assignedPrefillTokens;
    private long _assignedTotal;
    private long? _baseline;
    private long _lastReceived;
    private WorkerFigures _figures;

    public WorkerEntry(WorkerHeartbeat heartbeat, long receivedAt, int slot = 0)
    {
        Slot = slot;
        Update(heartbeat, receivedAt);
    }

    public WorkerHeartbeat Heartbeat { get; private set; } = null!;

    /// <summary>
    /// The heartbeat's figures a decision reads, copied into this object so that scoring a thousand candidates does
    /// not chase three objects per worker (measured: most of a decision's time went to those cache misses).
    /// </summary>
    public ref readonly WorkerFigures Figures => ref _figures;

    public long ReceivedAt { get; private set; }

    /// <summary>This worker's number in the prefix index; stable while the router runs.</summary>
    public int Slot { get; }

    /// <summary>Heartbeats whose KV event sequence was ahead of the index (a missed event batch), in a row.</summary>
    public int KvLagHeartbeats { get; set; }

    public int AssignedSinceHeartbeat => Volatile.Read(ref _assignedSinceHeartbeat);

    /// <summary>Uncached prompt tokens of the requests sent here that the last heartbeat does not count yet.</summary>
    public long AssignedPrefillTokens => Interlocked.Read(ref _assignedPrefillTokens);

    /// <summary>Sequences the worker holds or will hold: running + waiting + sent since its last heartbeat.</summary>
    public int Load => Figures.Running + Figures.Waiting + AssignedSinceHeartbeat;

    public bool HasFreeSlot => Load < Figures.MaxSequences;

    public bool CanQueue => Load < Figures.MaxSequences + Figures.MaxWaiting;

    public void Update(WorkerHeartbeat heartbeat, long receivedAt)
    {
        Heartbeat = heartbeat;
        _figures = WorkerFigures.From(heartbeat);
        ReceivedAt = receivedAt;
        lock (_lock)
        {
            if (heartbeat.ReceivedRequests is not { } received)
            {
                _inTransit.Clear();
            }
            else
            {
                if (_baseline is null || received < _lastReceived)
                {
                    // The first count heard (or the worker restarted): what was sent so far counts as taken in.
                    _baseline = received - _assignedTotal;
                }

                _lastReceived = received;
                var takenIn = received - _baseline.Value;
                var expired = receivedAt - (long)(InTransitExpirySeconds * System.Diagnostics.Stopwatch.Frequency);
                while (_inTransit.TryPeek(out var sent) && (sent.Index < takenIn || sent.SentAt < expired))
                {
                    _inTransit.Dequeue();
                }
            }

            Volatile.Write(ref _assignedSinceHeartbeat, _inTransit.Count);
            Interlocked.Exchange(ref _assignedPrefillTokens, _inTransit.Sum(t => (long)t.Tokens));
        }
    }

    public void Assigned(int uncachedPromptTokens = 0)
    {
        lock (_lock)
        {
            _inTransit.Enqueue((_assignedTotal++, uncachedPromptTokens, System.Diagnostics.Stopwatch.GetTimestamp()));
            Interlocked.Increment(ref _assignedSinceHeartbeat);
            Interlocked.Add(ref _assignedPrefillTokens, uncachedPromptTokens);
        }
    }
}
