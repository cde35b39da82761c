using Suite.Contracts;

namespace Suite.ModelWorker.Backends;

/// <summary>
/// The hardware seam: one engine on one kind of hardware. It schedules sequences of token IDs, streams the tokens it
/// generates, cancels, reports capacity and names itself. CPU, CUDA, CANN and the simulator implement it; nothing above
/// it knows which one runs.
/// </summary>
public interface IInferenceBackend : IAsyncDisposable
{
    /// <summary>Who this backend is: name (cpu, cuda, cann, sim), device, whether it is simulated.</summary>
    BackendInfo Info { get; }

    /// <summary>The model this backend serves.</summary>
    ModelDescription Model { get; }

    /// <summary>Token ID → text bytes, for incremental detokenization where the tokens are born.</summary>
    ITokenVocabulary Vocabulary { get; }

    /// <summary>Current load: running and waiting sequences, KV cache use, prefix cache counters.</summary>
    BackendCapacity GetCapacity();

    /// <summary>The blocks its prefix cache stores and evicts, for routers; null when it keeps none.</summary>
    Scheduling.KvEventLog? KvEvents => null;

    /// <summary>
    /// Queues a sequence. It starts as soon as a slot is free (new sequences join the running batch between decode
    /// steps). Throws <see cref="BackendFullException"/> when the waiting queue is full, and
    /// <see cref="ArgumentException"/> when the prompt does not fit the context.
    /// </summary>
    ISequence Schedule(SequenceRequest request);
}
