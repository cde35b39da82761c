namespace Suite.Contracts;

/// <summary>A worker as the router last saw it; <c>IndexedBlocks</c> is how many of its cached KV blocks the router's prefix index holds.</summary>
public sealed record WorkerStatus(
    string WorkerId,
    string Backend,
    string Pool,
    bool Simulated,
    string Device,
    int RunningSequences,
    int WaitingSequences,
    int MaxSequences,
    double SecondsSinceHeartbeat,
    int IndexedBlocks = 0);
