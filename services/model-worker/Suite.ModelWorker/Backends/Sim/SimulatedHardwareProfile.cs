namespace Suite.ModelWorker.Backends.Sim;

/// <summary>
/// How fast one device serves one reference model, as the simulator's timing model: a prefill rate, a decode step
/// whose duration grows linearly with the batch (base + per-sequence), a KV-cache capacity, a batch limit and a price.
/// Every number is a <see cref="SourcedFigure"/>; <see cref="Inputs"/> holds the datasheet figures and assumptions the
/// model-specific numbers were derived from.
/// </summary>
public sealed record SimulatedHardwareProfile
{
    /// <summary>Short name used in configuration, e.g. "h100-sxm".</summary>
    public required string Name { get; init; }

    /// <summary>The device in words, e.g. "NVIDIA H100 SXM 80GB"; the backend appends "(simulated)".</summary>
    public required string Device { get; init; }

    /// <summary>The model (and precision) the throughput and capacity figures are for.</summary>
    public required string ReferenceModel { get; init; }

    /// <summary>Prompt tokens processed per second when a step holds only prefill work.</summary>
    public required SourcedFigure PrefillTokensPerSecond { get; init; }

    /// <summary>Fixed part of a decode step (reading the weights once), in milliseconds.</summary>
    public required SourcedFigure DecodeBaseMilliseconds { get; init; }

    /// <summary>What each running sequence adds to a decode step (its KV reads and its FLOPs), in milliseconds.</summary>
    public required SourcedFigure DecodePerSequenceMilliseconds { get; init; }

    /// <summary>Tokens the KV cache holds across all sequences.</summary>
    public required SourcedFigure KvCapacityTokens { get; init; }

    /// <summary>Most sequences decoded together.</summary>
    public required SourcedFigure MaxBatch { get; init; }

    /// <summary>What one device costs per hour, in US dollars.</summary>
    public required SourcedFigure CostPerHourUsd { get; init; }

    /// <summary>The datasheet figures and assumptions behind the numbers above.</summary>
    public required IReadOnlyList<SourcedFigure> Inputs { get; init; }

    /// <summary>Every figure of this profile: the six the simulator uses, then the inputs.</summary>
    public IReadOnlyList<SourcedFigure> Figures =>
    [
        PrefillTokensPerSecond,
        DecodeBaseMilliseconds,
        DecodePerSequenceMilliseconds,
        KvCapacityTokens,
        MaxBatch,
        CostPerHourUsd,
        .. Inputs,
    ];

    /// <summary>Figure name → its source, for display and for the check that nothing is unsourced.</summary>
    public IReadOnlyDictionary<string, string> Sources => Figures.ToDictionary(f => f.Name, f => f.Source, StringComparer.Ordinal);

    /// <summary>Duration of one decode step that advances <paramref name="batch"/> sequences by one token each.</summary>
    public double DecodeStepSeconds(int batch) =>
        batch <= 0 ? 0 : (DecodeBaseMilliseconds.Value + (DecodePerSequenceMilliseconds.Value * batch)) / 1000.0;

    /// <summary>Time to prefill <paramref name="tokens"/> prompt tokens.</summary>
    public double PrefillSeconds(int tokens) => tokens <= 0 ? 0 : tokens / PrefillTokensPerSecond.Value;

    /// <summary>
    /// Duration of one step of continuous batching: the decode step for the running sequences plus the prefill chunk
    /// that rides along. Additive, because a fused step does both sets of work on the same units (as in chunked-prefill
    /// schedulers); with no decoding sequence it is pure prefill.
    /// </summary>
    public double StepSeconds(int decodingSequences, int prefillTokens) =>
        DecodeStepSeconds(decodingSequences) + PrefillSeconds(prefillTokens);
}
