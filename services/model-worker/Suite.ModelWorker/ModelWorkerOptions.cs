using System.ComponentModel.DataAnnotations;

namespace Suite.ModelWorker;

/// <summary>
/// Worker settings (section <c>Worker</c>; environment <c>Worker__Backend</c> etc., or the shorthands
/// <c>SUITE_BACKEND</c>, <c>SUITE_POOL</c>, <c>SUITE_NATIVE_LIBRARY_PATH</c>).
/// </summary>
public sealed class ModelWorkerOptions
{
    public const string Section = "Worker";

    /// <summary>cpu, cuda, cann or sim.</summary>
    [Required]
    [RegularExpression("^(cpu|cuda|cann|sim)$", ErrorMessage = "Backend must be one of cpu, cuda, cann, sim.")]
    public string Backend { get; set; } = "cpu";

    /// <summary>The pool this worker belongs to; defaults to the backend name.</summary>
    public string? Pool { get; set; }

    /// <summary>Stable id of this worker; generated from host, pool and process id when empty.</summary>
    public string? WorkerId { get; set; }

    /// <summary>Directory holding a CUDA or CANN build of llama.cpp (libllama.so and libggml*.so).</summary>
    public string? NativeLibraryPath { get; set; }

    /// <summary>
    /// Simulated workers this process runs (sim backend on RabbitMQ only). Each is a worker of its own, with id
    /// <c>{WorkerId}-{n}</c>, its queue, heartbeats and KV events, so hundreds of them fit on one machine for routing
    /// tests at fleet scale. 1 (the default) runs this process as one worker.
    /// </summary>
    [Range(1, 2000)]
    public int SimWorkers { get; set; } = 1;

    /// <summary>Engine threads; 0 means one per core.</summary>
    [Range(0, 1024)]
    public int Threads { get; set; }

    /// <summary>Sequences decoded together in one batch.</summary>
    [Range(1, 1024)]
    public int MaxSequences { get; set; } = 16;

    /// <summary>Context per sequence in tokens; 0 means min(model's trained context, 4096).</summary>
    [Range(0, 1 << 20)]
    public int ContextLength { get; set; }

    /// <summary>Sequences allowed to wait for a slot before new ones are refused with 503.</summary>
    [Range(0, 100_000)]
    public int MaxWaiting { get; set; } = 256;

    /// <summary>Use F32 KV cache and no flash attention: slower, but a sequence decodes the same alone or batched.</summary>
    public bool ExactNumerics { get; set; }

    /// <summary>
    /// Keep the KV of finished sequences as cached blocks and reuse them for prompts that start the same way. Off:
    /// every prompt is computed in full. Unset: on for the simulator, off for llama.cpp backends, where sharing cells
    /// needs a unified KV cache and every decode step then attends over all occupied cells (README, "Prefix cache and
    /// routing", has the measured cost).
    /// </summary>
    public bool? PrefixCache { get; set; }

    /// <summary>Whether this worker keeps a prefix cache (see <see cref="PrefixCache"/>).</summary>
    public bool PrefixCacheEnabled => PrefixCache ?? Backend == "sim";

    /// <summary>Tokens per KV block: the unit of prefix reuse, of KV events and of the router's prefix index.</summary>
    [Range(1, 1024)]
    public int KvBlockTokens { get; set; } = 16;

    /// <summary>How often the worker publishes the blocks its prefix cache stored and evicted (batched events).</summary>
    [Range(10, 60_000)]
    public int KvEventIntervalMilliseconds { get; set; } = 200;

    [Range(50, 60_000)]
    public int HeartbeatIntervalMilliseconds { get; set; } = 500;

    /// <summary>
    /// A sequence that has sent its gateway nothing for this long (waiting for a slot, or in a long prefill) is announced
    /// as pending, so the gateway takes it for queued, not lost. Keep it well below the gateway's stall timeout.
    /// </summary>
    [Range(0.05, 600)]
    public double PendingNoticeSeconds { get; set; } = 2;

    /// <summary>
    /// After a stream's first chunk, tokens produced within this many milliseconds travel in one chunk (one bus
    /// message, one SSE event). 0 sends every token as soon as it is sampled.
    /// </summary>
    [Range(0, 1000)]
    public double MinChunkIntervalMilliseconds { get; set; } = 4;

    /// <summary>
    /// What an hour of this worker costs in US dollars (<c>Worker__PricePerHour</c>), for cost-aware routing and the
    /// cost per token the telemetry reports. Defaults to the simulated profile's figure for sim workers; unset otherwise.
    /// </summary>
    [Range(0, 1_000_000)]
    public double? PricePerHour { get; set; }

    /// <summary>Backend sim: the hardware profile whose timing it simulates (h100-sxm, h200, ascend-910b, ascend-910c, cpu-32c).</summary>
    public string SimProfile { get; set; } = "h100-sxm";

    /// <summary>Backend sim: 1 runs in real time, 0.01 runs 100 times faster (reported timings stay in simulated seconds).</summary>
    [Range(0.0001, 1000)]
    public double SimTimeScale { get; set; } = 1;
}
