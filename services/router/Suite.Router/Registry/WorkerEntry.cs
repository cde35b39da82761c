using Suite.Contracts;

namespace Suite.Router.Registry;

/// <summary>
/// What the router knows of one worker: its last heartbeat, when it arrived (monotonic clock), and how many requests
/// were sent to it since, so a burst does not pile onto the worker that looked idle a moment ago.
/// </summary>
public sealed class WorkerEntry(WorkerHeartbeat heartbeat, long receivedAt)
{
    private int _assignedSinceHeartbeat;

    public WorkerHeartbeat Heartbeat { get; private set; } = heartbeat;

    public long ReceivedAt { get; private set; } = receivedAt;

    public int AssignedSinceHeartbeat => Volatile.Read(ref _assignedSinceHeartbeat);

    /// <summary>Sequences the worker holds or will hold: running + waiting + sent since its last heartbeat.</summary>
    public int Load => Heartbeat.RunningSequences + Heartbeat.WaitingSequences + AssignedSinceHeartbeat;

    public bool HasFreeSlot => Load < Heartbeat.MaxSequences;

    public bool CanQueue => Load < Heartbeat.MaxSequences + Heartbeat.MaxWaiting;

    public void Update(WorkerHeartbeat heartbeat, long receivedAt)
    {
        Heartbeat = heartbeat;
        ReceivedAt = receivedAt;
        Interlocked.Exchange(ref _assignedSinceHeartbeat, 0);
    }

    public void Assigned() => Interlocked.Increment(ref _assignedSinceHeartbeat);
}
