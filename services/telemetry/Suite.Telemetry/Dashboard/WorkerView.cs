namespace Suite.Telemetry.Dashboard;

/// <summary>One live worker as the dashboard shows it. <see cref="State"/>: idle, serving, saturated (sequences wait for a slot) or silent (heartbeat late).</summary>
public sealed record WorkerView(
    string WorkerId,
    string State,
    string Device,
    int RunningSequences,
    int MaxSequences,
    int WaitingSequences,
    double KvCacheUsage,
    double? PricePerHourUsd,
    double SecondsSinceHeartbeat);
