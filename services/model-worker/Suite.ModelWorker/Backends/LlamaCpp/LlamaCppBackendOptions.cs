using Suite.Contracts;

namespace Suite.ModelWorker.Backends.LlamaCpp;

/// <summary>How to run a GGUF model on llama.cpp (through LLamaSharp) with continuous batching.</summary>
public sealed record LlamaCppBackendOptions
{
    public required string ModelPath { get; init; }

    /// <summary>Backend name reported in <see cref="BackendInfo"/>: cpu, cuda or cann (the native library decides the device).</summary>
    public string BackendName { get; init; } = "cpu";

    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Sequences decoded together; each gets its own KV stream of <see cref="ContextLength"/> cells.</summary>
    public int MaxSequences { get; init; } = 16;

    /// <summary>Tokens per sequence (prompt + generated); null = min(model's trained context, 4096).</summary>
    public int? ContextLength { get; init; }

    /// <summary>Sequences allowed to wait for a slot; one more is refused with <see cref="BackendFullException"/>.</summary>
    public int MaxWaiting { get; init; } = 256;

    /// <summary>Most tokens in one decode step (running sequences' next tokens plus prefill chunks).</summary>
    public int BatchSize { get; init; } = 512;

    public bool FlashAttention { get; init; }

    public KvCacheType KvCacheType { get; init; } = KvCacheType.F16;

    /// <summary>
    /// Keep the KV of finished sequences as cached blocks and reuse them for prompts that start the same way. Uses a
    /// unified KV cache (every sequence draws cells from one pool); off gives each sequence its own cell stream.
    /// </summary>
    public bool PrefixCache { get; init; } = true;

    /// <summary>Tokens per KV block: the unit of prefix reuse and of KV events.</summary>
    public int BlockTokens { get; init; } = 16;

    /// <summary>
    /// Most prompt tokens kept cached while no sequence uses them (whole blocks); null = the context length × 2.
    /// llama.cpp attends over every occupied cell of a unified KV cache, so every cached cell slows each step a little.
    /// </summary>
    public int? PrefixCacheIdleTokens { get; init; }

    /// <summary>Sequence ids that keep cached blocks; null = twice MaxSequences (within llama.cpp's 256 ids).</summary>
    public int? PrefixCacheHolderLanes { get; init; }

    /// <summary>Layers to offload to a GPU; null = none for cpu, all otherwise.</summary>
    public int? GpuLayers { get; init; }

    /// <summary>How the model is described to clients; null = read from the GGUF header, ID = file name.</summary>
    public ModelDescription? Model { get; init; }
}
