using Suite.Contracts;

namespace Suite.Router.Registry;

/// <summary>
/// What the router knows of one worker: its last heartbeat, when it arrived (monotonic clock), its slot (a small
/// integer that names it in the prefix index), and how many requests and uncached prompt tokens were sent to it since,
/// so a burst does not pile onto the worker that looked idle a moment ago.
/// </summary>
public sealed class WorkerEntry
{
    private int _assignedSinceHeartbeat;
    private long _assignedPrefillTokens;
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

    /// <summary>Prompt tokens sent here since the last heartbeat that its cache did not hold.</summary>
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
        Interlocked.Exchange(ref _assignedSinceHeartbeat, 0);
        Interlocked.Exchange(ref _assignedPrefillTokens, 0);
    }

    public void Assigned(int uncachedPromptTokens = 0)
    {
        Interlocked.Increment(ref _assignedSinceHeartbeat);
        Interlocked.Add(ref _assignedPrefillTokens, uncachedPromptTokens);
    }
}
