using Suite.Contracts;

namespace Suite.ModelWorker.Backends;

/// <summary>
/// How a sequence ended, with its token counts and the timings the worker reports to telemetry. <c>CachedTokens</c>:
/// prompt tokens taken from the prefix cache instead of computed.
/// </summary>
public sealed record SequenceOutcome(
    FinishReason Reason,
    int PrefixTokens,
    int GeneratedTokens,
    double QueueSeconds,
    double PrefillSeconds,
    double FirstTokenSeconds,
    double DecodeSeconds,
    float[] InterTokenSeconds,
    string? Error,
    int CachedTokens = 0);
