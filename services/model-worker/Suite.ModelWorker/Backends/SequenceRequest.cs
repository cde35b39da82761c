using Suite.Contracts;

namespace Suite.ModelWorker.Backends;

/// <summary>
/// One sequence to run: the full prefix (prompt plus any tokens an earlier worker already produced), how to sample,
/// and at most how many new tokens to produce. Generation also ends at an end-of-generation token unless
/// <see cref="IgnoreEos"/> is set. Higher <see cref="Priority"/> is admitted first.
/// </summary>
public sealed record SequenceRequest(
    Guid Id,
    int[] Prefix,
    SamplingParameters Sampling,
    int MaxNewTokens,
    bool IgnoreEos = false,
    int Priority = 0);
