namespace Suite.ModelWorker.Scheduling;

/// <summary>The limits of one <see cref="BatchScheduler"/>: slots, waiting room, context, step budget and KV blocks.</summary>
public sealed record SchedulerOptions
{
    /// <summary>Sequences decoded together (slots).</summary>
    public required int MaxSequences { get; init; }

    /// <summary>Tokens one sequence may hold, prompt plus generated.</summary>
    public required int ContextLength { get; init; }

    /// <summary>Tokens of KV cache across all sequences and cached blocks; rounded down to whole blocks.</summary>
    public required long KvCapacityTokens { get; init; }

    /// <summary>Sequences allowed to wait for a slot; one more is refused.</summary>
    public int MaxWaiting { get; init; } = 256;

    /// <summary>Most tokens in one step: each running sequence's next token plus prefill chunks.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Tokens per KV block: the unit of accounting, of prefix matching and of KV events.</summary>
    public int BlockTokens { get; init; } = 16;

    /// <summary>Keep the KV of finished sequences as cached blocks and reuse matching prefixes.</summary>
    public bool PrefixCache { get; init; } = true;

    /// <summary>
    /// For a KV cache addressed by sequence ids (llama.cpp): how many ids beyond the slots may hold cached blocks
    /// (lanes <c>MaxSequences ..</c>), each holding at most one block per position. Null: blocks need no holder (the
    /// simulator), and no KV operations are planned.
    /// </summary>
    public int? HolderLanes { get; init; }

    /// <summary>
    /// Most blocks kept cached while no running sequence uses them; beyond it the least recently used are evicted at
    /// once rather than when room is needed. Null: no bound but the pool. (A unified llama.cpp KV cache attends over
    /// every occupied cell, so cells kept for the cache slow every step; see the README.)
    /// </summary>
    public int? MaxIdleCachedBlocks { get; init; }

    /// <summary>Model id: the root of the block hash chain (<see cref="Contracts.KvCache.PrefixBlockHash.Root"/>).</summary>
    public string Model { get; init; } = string.Empty;

    /// <summary>Prefill speed to report before one is observed (tokens/s; 0 = unknown).</summary>
    public double NominalPrefillTokensPerSecond { get; init; }

    /// <summary>Blocks in the pool.</summary>
    public int CapacityBlocks => (int)Math.Min(int.MaxValue, KvCapacityTokens / BlockTokens);

    /// <summary>Blocks one sequence can span at most.</summary>
    public int MaxBlocksPerSequence => (ContextLength + BlockTokens - 1) / BlockTokens;

    /// <summary>Throws when the settings cannot work together.</summary>
    public void Validate()
    {
        if (MaxSequences < 1 || MaxWaiting < 0 || ContextLength < 2 || BatchSize < MaxSequences || BlockTokens < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxSequences),
                "MaxSequences ≥ 1, MaxWaiting ≥ 0, ContextLength ≥ 2, BatchSize ≥ MaxSequences and BlockTokens ≥ 1 are required.");
        }

        if (CapacityBlocks < MaxBlocksPerSequence)
        {
            throw new ArgumentOutOfRangeException(
                nameof(KvCapacityTokens),
                $"The KV capacity ({KvCapacityTokens} tokens, {CapacityBlocks} blocks of {BlockTokens}) must hold at least one full context ({ContextLength}).");
        }

        if (HolderLanes is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(HolderLanes), "HolderLanes must be 0 or more when set.");
        }
    }
}
