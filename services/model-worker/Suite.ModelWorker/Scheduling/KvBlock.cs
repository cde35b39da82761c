namespace Suite.ModelWorker.Scheduling;

/// <summary>
/// One fixed-size block of KV cells: <see cref="Index"/> says which positions it covers ([Index·B, (Index+1)·B)).
/// A registered block (<see cref="Hash"/> ≠ 0) is the cached copy of that content; an unregistered one is a partial
/// block or a duplicate computed while the same content was already cached. Scheduler-owned.
/// </summary>
internal sealed class KvBlock
{
    /// <summary>Slots (running sequences' lanes) whose sequences use this block.</summary>
    public List<int> Slots { get; } = new(1);

    public ulong Hash { get; set; }

    public int Index { get; set; }

    /// <summary>The holder lane that keeps this block when no running sequence does; -1 when none.</summary>
    public int HolderLane { get; set; } = -1;

    /// <summary>Its place among unreferenced cached blocks (least recently used first), when it is one.</summary>
    public LinkedListNode<KvBlock>? LruNode { get; set; }

    /// <summary>Set while an admission holds this block as part of its hit, so making room does not evict it.</summary>
    public bool Pinned { get; set; }

    public bool Referenced => Slots.Count > 0;

    public void Reset(int index)
    {
        Slots.Clear();
        Hash = 0;
        Index = index;
        HolderLane = -1;
        LruNode = null;
    }
}
