using System.Diagnostics;
using Suite.Contracts.KvCache;

namespace Suite.Router.Index;

/// <summary>
/// Where KV blocks live across the fleet: block hash → the workers whose prefix caches hold it, fed by KV events and
/// snapshots. Workers are named by their registry slot (a small integer), so a decision for a thousand candidates
/// reads arrays rather than strings. Blocks a router just sent somewhere are entered at once, unconfirmed, so a burst
/// of requests sharing a prefix follows the first one before the worker's event arrives; an entry no event confirms
/// within the unconfirmed lifetime (5 s by default) leaves again. Reads run in parallel; writes take the lock briefly.
/// </summary>
public sealed class PrefixIndex(TimeSpan? unconfirmedLifetime = null)
{
    private readonly long _unconfirmedTicks = (long)((unconfirmedLifetime ?? TimeSpan.FromSeconds(5)).TotalSeconds * Stopwatch.Frequency);
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<ulong, int[]> _holders = [];
    private readonly Dictionary<int, WorkerBlocks> _workers = [];

    /// <summary>Distinct blocks indexed.</summary>
    public int BlockCount
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _holders.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Blocks indexed for one worker (0 when unknown).</summary>
    public int BlocksOf(int worker)
    {
        _lock.EnterReadLock();
        try
        {
            return _workers.TryGetValue(worker, out var blocks) ? blocks.Hashes.Count : 0;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>The last event sequence applied for a worker, or null when none was (it needs a snapshot).</summary>
    public long? AppliedSequence(int worker)
    {
        _lock.EnterReadLock();
        try
        {
            return _workers.TryGetValue(worker, out var blocks) && blocks.Synced ? blocks.Sequence : null;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Applies a batch of changes. Returns false when it reveals a gap (an earlier batch was missed).</summary>
    public bool Apply(int worker, KvBlocksChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _lock.EnterWriteLock();
        try
        {
            var blocks = Worker(worker);
            if (blocks.Synced && change.Sequence <= blocks.Sequence)
            {
                return true; // already in a snapshot or applied
            }

            var inOrder = blocks.Synced && change.Sequence == blocks.Sequence + 1;
            foreach (var hash in change.Stored)
            {
                blocks.Unconfirmed.Remove(hash);
                Add(worker, blocks, hash);
            }

            foreach (var hash in change.Evicted)
            {
                Remove(worker, blocks, hash);
            }

            if (inOrder)
            {
                blocks.Sequence = change.Sequence;
            }

            return inOrder;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Replaces everything known about a worker with its snapshot.</summary>
    public void Apply(int worker, KvCacheSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _lock.EnterWriteLock();
        try
        {
            var blocks = Worker(worker);
            if (blocks.Synced && snapshot.Sequence < blocks.Sequence)
            {
                return; // older than what was applied since
            }

            var keep = new HashSet<ulong>(snapshot.Blocks);
            foreach (var hash in blocks.Hashes.ToList())
            {
                if (!keep.Contains(hash) && !blocks.Unconfirmed.ContainsKey(hash))
                {
                    Remove(worker, blocks, hash);
                }
            }

            foreach (var hash in snapshot.Blocks)
            {
                blocks.Unconfirmed.Remove(hash);
                Add(worker, blocks, hash);
            }

            blocks.Sequence = snapshot.Sequence;
            blocks.Synced = true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Enters blocks a request was just routed with, before the worker confirms them.</summary>
    public void Expect(int worker, ReadOnlySpan<ulong> hashes)
    {
        var expires = Stopwatch.GetTimestamp() + _unconfirmedTicks;
        _lock.EnterWriteLock();
        try
        {
            var blocks = Worker(worker);
            foreach (var hash in hashes)
            {
                if (Add(worker, blocks, hash) || blocks.Unconfirmed.ContainsKey(hash))
                {
                    blocks.Unconfirmed[hash] = expires;
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Removes a worker and every block it held (it died or left).</summary>
    public void RemoveWorker(int worker)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_workers.Remove(worker, out var blocks))
            {
                return;
            }

            foreach (var hash in blocks.Hashes)
            {
                Unlink(worker, hash);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Drops unconfirmed entries older than their lifetime.</summary>
    public void Sweep()
    {
        var now = Stopwatch.GetTimestamp();
        _lock.EnterWriteLock();
        try
        {
            foreach (var (worker, blocks) in _workers)
            {
                if (blocks.Unconfirmed.Count == 0)
                {
                    continue;
                }

                foreach (var (hash, expires) in blocks.Unconfirmed.ToList())
                {
                    if (expires <= now)
                    {
                        blocks.Unconfirmed.Remove(hash);
                        Remove(worker, blocks, hash);
                    }
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// For a request whose full blocks have <paramref name="hashes"/> (in order), writes into
    /// <paramref name="overlap"/>[worker] how many leading blocks each worker holds, for workers that hold at least
    /// one, and lists them in <paramref name="touched"/> (so the caller can clear only those). Returns the deepest overlap.
    /// </summary>
    public int Match(ReadOnlySpan<ulong> hashes, Span<int> overlap, List<int> touched)
    {
        if (hashes.Length == 0)
        {
            return 0;
        }

        _lock.EnterReadLock();
        try
        {
            if (!_holders.TryGetValue(hashes[0], out var first))
            {
                return 0;
            }

            foreach (var worker in first)
            {
                if ((uint)worker < (uint)overlap.Length)
                {
                    overlap[worker] = 1;
                    touched.Add(worker);
                }
            }

            // A worker stays in the running while it holds every block so far; the walk ends when none does.
            var alive = touched.Count;
            var depth = 1;
            for (var k = 1; k < hashes.Length && alive > 0; k++)
            {
                if (!_holders.TryGetValue(hashes[k], out var holders))
                {
                    break;
                }

                alive = 0;
                foreach (var worker in holders)
                {
                    if ((uint)worker < (uint)overlap.Length && overlap[worker] == k)
                    {
                        overlap[worker] = k + 1;
                        alive++;
                    }
                }

                if (alive > 0)
                {
                    depth = k + 1;
                }
            }

            return depth;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private WorkerBlocks Worker(int worker)
    {
        if (!_workers.TryGetValue(worker, out var blocks))
        {
            blocks = new WorkerBlocks();
            _workers[worker] = blocks;
        }

        return blocks;
    }

    private bool Add(int worker, WorkerBlocks blocks, ulong hash)
    {
        if (!blocks.Hashes.Add(hash))
        {
            return false;
        }

        if (_holders.TryGetValue(hash, out var holders))
        {
            var grown = new int[holders.Length + 1];
            holders.CopyTo(grown, 0);
            grown[^1] = worker;
            _holders[hash] = grown;
        }
        else
        {
            _holders[hash] = [worker];
        }

        return true;
    }

    private void Remove(int worker, WorkerBlocks blocks, ulong hash)
    {
        if (blocks.Hashes.Remove(hash))
        {
            Unlink(worker, hash);
        }
    }

    private void Unlink(int worker, ulong hash)
    {
        if (!_holders.TryGetValue(hash, out var holders))
        {
            return;
        }

        if (holders.Length == 1)
        {
            _holders.Remove(hash);
            return;
        }

        var shrunk = new int[holders.Length - 1];
        var i = 0;
        foreach (var w in holders)
        {
            if (w != worker && i < shrunk.Length)
            {
                shrunk[i++] = w;
            }
        }

        _holders[hash] = shrunk;
    }

    private sealed class WorkerBlocks
    {
        public HashSet<ulong> Hashes { get; } = [];

        public Dictionary<ulong, long> Unconfirmed { get; } = [];

        public long Sequence { get; set; }

        /// <summary>Whether a snapshot was applied, so event sequence numbers can be checked for gaps.</summary>
        public bool Synced { get; set; }
    }
}
