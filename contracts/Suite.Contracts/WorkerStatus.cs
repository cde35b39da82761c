namespace Suite.Contracts;

/// <summary>A worker as the router last saw it.</summary>
public sealed record WorkerStatus(
    string WorkerId,
    string Backend,
    string Pool,
    bool Simulated,
    string Device,
    int RunningSequences,
    int WaitingSequences,
    int MaxSequences,
    double SecondsSinceHeartbeat);
