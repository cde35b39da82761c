namespace Suite.ModelWorker.Scheduling;

/// <summary>
/// What a worker tells routers about its prefix cache. The scheduler records each block it stores or evicts; the
/// worker drains them as batches (net changes, so a block stored and evicted between two batches is not mentioned)
/// and can take a snapshot of every stored block at any time. Thread-safe: the step loop writes, the publisher reads.
/// </summary>
public sealed class KvEventLog(int blockTokens)
{
    private readonly Lock _lock = new();
    private readonly HashSet<ulong> _stored = [];
    private readonly Dictionary<ulong, bool> _pending = [];
    private long _sequence;

    /// <summary>Tokens per block, so a reader can hash prompts the same way.</summary>
    public int BlockTokens { get; } = blockTokens;

    /// <summary>The last batch number handed out.</summary>
    public long Sequence
    {
        get
        {
            lock (_lock)
            {
                return _sequence;
            }
        }
    }

    /// <summary>Blocks stored now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _stored.Count;
            }
        }
    }

    /// <summary>Changes since the previous call, or null when there are none.</summary>
    public KvEventBatch? Drain()
    {
        lock (_lock)
        {
            if (_pending.Count == 0)
            {
                return null;
            }

            var stored = new List<ulong>(_pending.Count);
            var evicted = new List<ulong>();
            foreach (var (hash, isStored) in _pending)
            {
                (isStored ? stored : evicted).Add(hash);
            }

            _pending.Clear();
            return new KvEventBatch(++_sequence, [.. stored], [.. evicted]);
        }
    }

    /// <summary>
    /// Every stored block, as of batch <c>Sequence</c>; changes not yet drained are already in it, and applying them
    /// again later changes nothing.
    /// </summary>
    public (long Sequence, ulong[] Blocks) Snapshot()
    {
        lock (_lock)
        {
            return (_sequence, [.. _stored]);
        }
    }

    /// <summary>How many of <paramref name="hashes"/>, from the first, are stored now.</summary>
    public int LeadingStored(ReadOnlySpan<ulong> hashes)
    {
        lock (_lock)
        {
            var count = 0;
            while (count < hashes.Length && _stored.Contains(hashes[count]))
            {
                count++;
            }

            return count;
        }
    }

    internal void Stored(ulong hash)
    {
        lock (_lock)
        {
            if (_stored.Add(hash))
            {
                _pending[hash] = true;
            }
        }
    }

    internal void Evicted(ulong hash)
    {
        lock (_lock)
        {
            if (_stored.Remove(hash))
            {
                _pending[hash] = false;
            }
        }
    }
}
