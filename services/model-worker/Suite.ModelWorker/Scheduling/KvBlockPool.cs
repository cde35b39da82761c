namespace Suite.ModelWorker.Scheduling;

/// <summary>
/// KV accounting in fixed-size blocks, and the prefix cache. Every block is free, promised to an admitted sequence
/// (reserved), in use by running sequences, or cached: registered under its chained hash with no running user, kept
/// until room is needed and then evicted least recently used first. Blocks are shared: a sequence whose prompt
/// starts with cached blocks uses them instead of new ones.
/// <para>
/// For a KV cache addressed by lanes (llama.cpp sequence ids) the pool also plans the cell operations that make the
/// sharing real: a cached block no running sequence holds is kept by a holder lane (at most one block per position
/// per lane), a hit copies the blocks' tags from whichever lane holds them onto the new sequence's lane, and an
/// eviction untags them. Not thread-safe: the step loop owns it.
/// </para>
/// </summary>
internal sealed class KvBlockPool
{
    private readonly int _blockTokens;
    private readonly bool _cache;
    private readonly int _firstHolder;
    private readonly KvBlock?[][] _holders;
    private readonly Dictionary<ulong, KvBlock> _cached = [];
    private readonly LinkedList<KvBlock> _lru = new();
    private readonly Stack<KvBlock> _spare = new();
    private readonly List<KvOperation> _operations = [];
    private readonly List<int> _holderScratch = [];
    private readonly int _maxIdle;
    private int _allocated;
    private int _reserved;
    private int _referenced;

    public KvBlockPool(SchedulerOptions options, KvEventLog events)
    {
        _blockTokens = options.BlockTokens;
        _cache = options.PrefixCache;
        Capacity = options.CapacityBlocks;
        Events = events;
        LanesAddressed = options.HolderLanes is not null;
        _firstHolder = options.MaxSequences;
        _maxIdle = options.MaxIdleCachedBlocks ?? int.MaxValue;
        var holders = _cache ? options.HolderLanes ?? 0 : 0;
        _holders = new KvBlock?[holders][];
        for (var i = 0; i < holders; i++)
        {
            _holders[i] = new KvBlock?[options.MaxBlocksPerSequence];
        }
    }

    public int Capacity { get; }

    public KvEventLog Events { get; }

    /// <summary>Whether cell operations are planned (a lane-addressed KV cache).</summary>
    public bool LanesAddressed { get; }

    /// <summary>Blocks neither allocated nor promised.</summary>
    public int Free => Capacity - _allocated - _reserved;

    /// <summary>Blocks that running sequences use.</summary>
    public int Referenced => _referenced;

    /// <summary>Registered blocks (in use or not).</summary>
    public int Cached => _cached.Count;

    /// <summary>Cached blocks no running sequence uses, which eviction may take.</summary>
    public int Evictable => _lru.Count;

    /// <summary>Cell operations planned since the last call, in the order they must run.</summary>
    public List<KvOperation> Operations => _operations;

    /// <summary>
    /// Walks <paramref name="hashes"/> (a prompt's full blocks, in order) through the cache and adds each hit to
    /// <paramref name="matched"/> until the first miss, at most <paramref name="maxBlocks"/>.
    /// </summary>
    public void Match(ReadOnlySpan<ulong> hashes, int maxBlocks, List<KvBlock> matched)
    {
        if (!_cache)
        {
            return;
        }

        var count = Math.Min(hashes.Length, maxBlocks);
        for (var k = 0; k < count && _cached.TryGetValue(hashes[k], out var block); k++)
        {
            matched.Add(block);
        }
    }

    /// <summary>
    /// Promises <paramref name="blocks"/> new blocks, evicting unreferenced cached blocks (least recently used first)
    /// when the free ones do not suffice. Blocks in <paramref name="keep"/> (the hit about to be used) are not evicted.
    /// False, with nothing changed, when even eviction cannot make the room.
    /// </summary>
    public bool TryReserve(int blocks, List<KvBlock> keep)
    {
        var keepEvictable = 0;
        foreach (var block in keep)
        {
            block.Pinned = true;
            if (block.LruNode is not null)
            {
                keepEvictable++;
            }
        }

        var possible = Free + _lru.Count - keepEvictable >= blocks;
        var node = _lru.First;
        while (possible && Free < blocks && node is not null)
        {
            var next = node.Next;
            if (!node.Value.Pinned)
            {
                Evict(node.Value);
            }

            node = next;
        }

        foreach (var block in keep)
        {
            block.Pinned = false;
        }

        if (possible)
        {
            _reserved += blocks;
        }

        return possible;
    }

    /// <summary>Gives back promised blocks that were never allocated.</summary>
    public void Unreserve(int blocks) => _reserved -= blocks;

    /// <summary>Makes the cached blocks of a hit part of the sequence on <paramref name="slot"/>, copying their cells' tags.</summary>
    public void Attach(int slot, List<KvBlock> matched, List<KvBlock> table)
    {
        var runSource = -1;
        var runStart = 0;
        for (var k = 0; k < matched.Count; k++)
        {
            var block = matched[k];
            var source = block.HolderLane >= 0 ? block.HolderLane : block.Slots.Count > 0 ? block.Slots[0] : -1;
            if (block.LruNode is not null)
            {
                _lru.Remove(block.LruNode);
                block.LruNode = null;
            }

            Reference(block, slot);
            table.Add(block);
            if (!LanesAddressed)
            {
                continue;
            }

            if (source != runSource)
            {
                FlushCopy(runSource, slot, runStart, k);
                runSource = source;
                runStart = k;
            }
        }

        if (LanesAddressed)
        {
            FlushCopy(runSource, slot, runStart, matched.Count);
        }
    }

    /// <summary>A new block for position range <paramref name="index"/> of the sequence on <paramref name="slot"/>, from its promise.</summary>
    public KvBlock Allocate(int slot, int index)
    {
        _reserved--;
        _allocated++;
        var block = _spare.Count > 0 ? _spare.Pop() : new KvBlock();
        block.Reset(index);
        Reference(block, slot);
        return block;
    }

    /// <summary>Registers a just-filled block under its hash, unless that content is cached already.</summary>
    public void Register(KvBlock block, ulong hash)
    {
        if (!_cache || block.Hash != 0 || !_cached.TryAdd(hash, block))
        {
            return;
        }

        block.Hash = hash;
        Events.Stored(hash);
    }

    /// <summary>
    /// The sequence on <paramref name="slot"/> ended: its registered blocks stay cached (handed to holder lanes when a
    /// lane-addressed cache needs them kept), the rest are freed, and its lane is emptied.
    /// </summary>
    public void Release(int slot, List<KvBlock> table)
    {
        _holderScratch.Clear();
        var previous = -1;

        // Last block first, so that among blocks freed together the deepest are evicted first (as vLLM does).
        for (var k = table.Count - 1; k >= 0; k--)
        {
            var block = table[k];
            block.Slots.Remove(slot);
            if (!block.Referenced)
            {
                _referenced--;
            }

            var holder = -1;
            if (LanesAddressed && block.Hash != 0 && !block.Referenced && block.HolderLane < 0)
            {
                // Prefer the lane that took the next block, so a run of blocks moves in one copy.
                holder = previous >= 0 && _holders[previous - _firstHolder][block.Index] is null ? previous : FindHolder(block.Index);
                if (holder < 0)
                {
                    // Every holder lane has a block at this position: the least recently used of them makes room.
                    holder = EvictHeldAt(block.Index);
                }

                if (holder < 0)
                {
                    // Only blocks in use hold this position: this one cannot be kept.
                    Unregister(block);
                }
                else
                {
                    _holders[holder - _firstHolder][block.Index] = block;
                    block.HolderLane = holder;
                }
            }

            previous = holder;
            _holderScratch.Add(holder);
            if (block.Referenced)
            {
                continue;
            }

            if (block.Hash != 0)
            {
                block.LruNode = _lru.AddLast(block);
            }
            else
            {
                Recycle(block);
            }
        }

        if (LanesAddressed)
        {
            // _holderScratch runs from the last block to the first; copy each run of one holder in one operation.
            var count = _holderScratch.Count;
            for (var i = 0; i < count;)
            {
                var holder = _holderScratch[i];
                var j = i;
                while (j + 1 < count && _holderScratch[j + 1] == holder)
                {
                    j++;
                }

                if (holder >= 0)
                {
                    var firstIndex = table[count - 1 - j].Index;
                    var lastIndex = table[count - 1 - i].Index;
                    _operations.Add(KvOperation.Copy(slot, holder, firstIndex * _blockTokens, (lastIndex + 1) * _blockTokens));
                }

                i = j + 1;
            }

            _operations.Add(KvOperation.Remove(slot));
        }

        table.Clear();
        while (_lru.Count > _maxIdle)
        {
            Evict(_lru.First!.Value);
        }
    }

    private void Reference(KvBlock block, int slot)
    {
        if (!block.Referenced)
        {
            _referenced++;
        }

        block.Slots.Add(slot);
    }

    private void Evict(KvBlock block)
    {
        _lru.Remove(block.LruNode!);
        block.LruNode = null;
        Unregister(block);
        Recycle(block);
    }

    private void Unregister(KvBlock block)
    {
        if (block.HolderLane >= 0)
        {
            _holders[block.HolderLane - _firstHolder][block.Index] = null;
            _operations.Add(KvOperation.Remove(block.HolderLane, block.Index * _blockTokens, (block.Index + 1) * _blockTokens));
            block.HolderLane = -1;
        }

        if (block.Hash != 0)
        {
            _cached.Remove(block.Hash);
            Events.Evicted(block.Hash);
            block.Hash = 0;
        }
    }

    private void Recycle(KvBlock block)
    {
        _allocated--;
        block.Reset(0);
        _spare.Push(block);
    }

    private int EvictHeldAt(int index)
    {
        for (var node = _lru.First; node is not null; node = node.Next)
        {
            var block = node.Value;
            if (block.Index == index && block.HolderLane >= 0 && !block.Pinned)
            {
                var lane = block.HolderLane;
                Evict(block);
                return lane;
            }
        }

        return -1;
    }

    private int FindHolder(int index)
    {
        for (var i = 0; i < _holders.Length; i++)
        {
            if (_holders[i][index] is null)
            {
                return _firstHolder + i;
            }
        }

        return -1;
    }

    private void FlushCopy(int source, int slot, int fromBlock, int toBlock)
    {
        if (source < 0 || toBlock <= fromBlock)
        {
            return;
        }

        _operations.Add(KvOperation.Copy(source, slot, fromBlock * _blockTokens, toBlock * _blockTokens));
    }
}
