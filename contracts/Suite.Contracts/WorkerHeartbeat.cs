namespace Suite.Contracts;

/// <summary>
/// Event each worker publishes every few hundred milliseconds: who it is, what it serves, and how loaded it is.
/// The router's registry and the telemetry gauges are built from these alone. <c>PricePerHourUsd</c> is what an hour of
/// this worker costs (configured per pool, or the simulated profile's figure); null when nobody said. <c>Cache</c> is its
/// prefix cache and the speeds the router predicts with. <c>ConstrainedDecoding</c>: whether its backend can apply a
/// grammar and logit biases while sampling (false for the simulator, and for workers from before it was reported), so
/// the router gives structured-output and biased requests only to workers that honour them. <c>ReceivedRequests</c>:
/// how many generation commands the worker has taken in since it started (counted before the figures are read), so the
/// router knows which of the requests it sent are still on their way; null from workers that do not report it.
/// </summary>
public sealed record WorkerHeartbeat(
    string WorkerId,
    Uri Address,
    string Backend,
    string Pool,
    string Model,
    bool Simulated,
    string Device,
    int MaxSequences,
    int RunningSequences,
    int WaitingSequences,
    int MaxWaiting,
    long KvCapacityTokens,
    long KvUsedTokens,
    int ContextLength,
    double TtftSecondsEwma,
    double ItlSecondsEwma,
    DateTimeOffset SentAt,
    ModelDescription ModelInfo,
    double? PricePerHourUsd = null,
    WorkerCacheStatus? Cache = null,
    bool ConstrainedDecoding = false,
    long? ReceivedRequests = null);
