namespace Suite.Contracts;

/// <summary>
/// What the worker saw of one sequence: time waiting for a slot, prefill, time to the first token from arrival, and the
/// gaps between consecutive tokens (seconds), which feed the inter-token-latency histogram.
/// </summary>
public sealed record WorkerTimings(
    double QueueSeconds,
    double PrefillSeconds,
    double FirstTokenSeconds,
    double DecodeSeconds,
    float[] InterTokenSeconds);
