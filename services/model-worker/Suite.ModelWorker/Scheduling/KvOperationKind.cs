namespace Suite.ModelWorker.Scheduling;

/// <summary>What a <see cref="KvOperation"/> does to the KV cells of a lane (a sequence id).</summary>
public enum KvOperationKind
{
    /// <summary>Tag the source lane's cells in the position range with the target lane too (no data moves).</summary>
    Copy,

    /// <summary>Untag the target lane's cells in the position range (a cell no lane tags is free).</summary>
    Remove,
}
