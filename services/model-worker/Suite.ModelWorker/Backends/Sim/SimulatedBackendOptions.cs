using Suite.Contracts;

namespace Suite.ModelWorker.Backends.Sim;

/// <summary>How to run the simulator: which hardware it pretends to be, which model's vocabulary it speaks, and its limits.</summary>
public sealed record SimulatedBackendOptions
{
    /// <summary>The hardware whose timing is simulated (see <see cref="SimulatedHardwareProfiles"/>).</summary>
    public required SimulatedHardwareProfile Profile { get; init; }

    /// <summary>GGUF file to take the vocabulary (and, unless <see cref="Model"/> is set, the description) from; only the header is read.</summary>
    public string? ModelPath { get; init; }

    /// <summary>A vocabulary to share between many simulated backends instead of reading <see cref="ModelPath"/> for each.</summary>
    public SimulatedVocabulary? Vocabulary { get; init; }

    /// <summary>How the model is described to clients; null = from the GGUF header with ID <see cref="ModelId"/>.</summary>
    public ModelDescription? Model { get; init; }

    /// <summary>Model ID when <see cref="Model"/> is null; null = the GGUF file name.</summary>
    public string? ModelId { get; init; }

    /// <summary>Sequences decoded together: the slots are min(this, the profile's max batch).</summary>
    public int MaxSequences { get; init; } = 16;

    /// <summary>Tokens per sequence (prompt + generated); null = min(model's trained context, 4096).</summary>
    public int? ContextLength { get; init; }

    /// <summary>Sequences allowed to wait for a slot; one more is refused with <see cref="BackendFullException"/>.</summary>
    public int MaxWaiting { get; init; } = 256;

    /// <summary>Most tokens in one step (running sequences' next tokens plus prefill chunks), as the real engine's batch size.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Tokens per KV block (prefix cache and KV accounting unit).</summary>
    public int BlockTokens { get; init; } = 16;

    /// <summary>Keep finished sequences' blocks cached and reuse matching prefixes, as the real engine does.</summary>
    public bool PrefixCache { get; init; } = true;

    /// <summary>KV cache tokens across all sequences; null = the profile's capacity (at most MaxSequences × ContextLength).</summary>
    public long? KvCapacityTokens { get; init; }

    /// <summary>
    /// Wall-clock seconds per simulated second: 1 = real time, 0.01 = 100× faster. Reported timings are always in
    /// simulated seconds, so they read the same at any scale.
    /// </summary>
    public double TimeScale { get; init; } = 1.0;

    /// <summary>The clock to sleep on; tests may pass their own.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// When set, a sequence ends (reason Stop, unless IgnoreEos) after each token with probability 1/this, decided by
    /// the prefix hash, so output lengths are geometric with this mean and identical across hand-overs. Null = never.
    /// </summary>
    public int? MeanOutputTokens { get; init; }

    /// <summary>
    /// When set, the simulation runs on this clock (simulated seconds) instead of its own loop: nothing advances until
    /// the caller calls <see cref="SimulatedBackend.RunUntil"/>. A discrete-event driver uses it to run a whole fleet
    /// in virtual time, exactly and independently of how busy the machine is.
    /// </summary>
    public Func<double>? ManualClock { get; init; }

    /// <summary>
    /// How far (in wall-clock time) the scheduler may fall behind its simulated timeline and still catch up by running
    /// steps back to back; beyond it the timeline restarts from now, so an overloaded process stretches simulated time
    /// instead of bursting tokens forever.
    /// </summary>
    public TimeSpan MaxLag { get; init; } = TimeSpan.FromMilliseconds(200);
}
