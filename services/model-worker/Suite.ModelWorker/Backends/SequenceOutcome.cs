using Suite.Contracts;

namespace Suite.ModelWorker.Backends;

/// <summary>How a sequence ended, with its token counts and the timings the worker reports to telemetry.</summary>
public sealed record SequenceOutcome(
    FinishReason Reason,
    int PrefixTokens,
    int GeneratedTokens,
    double QueueSeconds,
    double PrefillSeconds,
    double FirstTokenSeconds,
    double DecodeSeconds,
    float[] InterTokenSeconds,
    string? Error);
