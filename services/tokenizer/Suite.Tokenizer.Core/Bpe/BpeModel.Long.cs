namespace Suite.Tokenizer.Core.Bpe;

public sealed partial class BpeModel
{
    /// <summary>
    /// The same merge order for long words in O(n log n): symbols in a linked list, candidate pairs in a heap keyed by
    /// (rank, position). A popped candidate whose pair changed since it was queued is stale and skipped (a pair's rank
    /// identifies it, so comparing ranks is enough).
    /// </summary>
    private int[] MergeLong(Span<int> symbols)
    {
        var n = symbols.Length;
        var ids = symbols.ToArray();
        var next = new int[n];
        var prev = new int[n];
        for (var i = 0; i < n; i++)
        {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }

        var queue = new PriorityQueue<int, long>(n);
        for (var i = 0; i < n - 1; i++)
        {
            if (_merges.TryGetValue(Key(ids[i], ids[i + 1]), out var merge))
            {
                queue.Enqueue(i, Priority(merge, i));
            }
        }

        var remaining = n;
        while (queue.TryDequeue(out var position, out var priority))
        {
            var right = next[position];
            if (right < 0 || ids[position] < 0
                || !_merges.TryGetValue(Key(ids[position], ids[right]), out var merge) || (merge >> 32) != (priority >> 32))
            {
                continue;
            }

            ids[position] = (int)merge;
            ids[right] = -1;
            remaining--;
            next[position] = next[right];
            if (next[right] >= 0)
            {
                prev[next[right]] = position;
            }

            if (prev[position] >= 0 && _merges.TryGetValue(Key(ids[prev[position]], ids[position]), out var before))
            {
                queue.Enqueue(prev[position], Priority(before, prev[position]));
            }

            if (next[position] >= 0 && _merges.TryGetValue(Key(ids[position], ids[next[position]]), out var after))
            {
                queue.Enqueue(position, Priority(after, position));
            }
        }

        var result = new int[remaining];
        var index = 0;
        for (var i = 0; i >= 0; i = next[i])
        {
            result[index++] = ids[i];
        }

        return result;
    }

    private static long Priority(long merge, int position) => (merge & ~0xFFFFFFFFL) | (uint)position;
}
