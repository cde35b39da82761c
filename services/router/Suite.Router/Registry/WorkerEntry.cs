using Suite.Contracts;

namespace Suite.Router.Registry;

/// <summary>
/// What the router knows of one worker: its last heartbeat, when it arrived (monotonic clock), its slot (a small
/// integer that names it in the prefix index), and how many requests and uncached prompt tokens were sent to it since,
/// so a burst does not pile onto the worker that looked idle a moment ago.
/// </summary>
public sealed class WorkerEntry(WorkerHeartbeat heartbeat, long receivedAt, int slot = 0)
{
    private int _assignedSinceHeartbeat;
    private long _assignedPrefillTokens;

    public WorkerHeartbeat Heartbeat { get; private set; } = heartbeat;

    public long ReceivedAt { get; private set; } = receivedAt;

    /// <summary>This worker's number in the prefix index; stable while the router runs.</summary>
    public int Slot { get; } = slot;

    /// <summary>Heartbeats whose KV event sequence was ahead of the index (a missed event batch), in a row.</summary>
    public int KvLagHeartbeats { get; set; }

    public int AssignedSinceHeartbeat => Volatile.Read(ref _assignedSinceHeartbeat);

    /// <summary>Prompt tokens sent here since the last heartbeat that its cache did not hold.</summary>
    public long AssignedPrefillTokens => Interlocked.Read(ref _assignedPrefillTokens);

    /// <summary>Sequences the worker holds or will hold: running + waiting + sent since its last heartbeat.</summary>
    public int Load => Heartbeat.RunningSequences + Heartbeat.WaitingSequences + AssignedSinceHeartbeat;

    public bool HasFreeSlot => Load < Heartbeat.MaxSequences;

    public bool CanQueue => Load < Heartbeat.MaxSequences + Heartbeat.MaxWaiting;

    public void Update(WorkerHeartbeat heartbeat, long receivedAt)
    {
        Heartbeat = heartbeat;
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
