using System.Collections.Concurrent;

namespace Suite.Tokenizer.Core.Bpe;

/// <summary>
/// Byte-level BPE over token ids: a word starts as one id per byte, then the adjacent pair with the lowest merge rank
/// (leftmost on ties) is merged until no pair has a merge, exactly as Hugging Face <c>tokenizers</c> does. Results are
/// cached per word (keyed by the word's byte-level spelling) because real text repeats words constantly.
/// </summary>
public sealed class BpeModel
{
    private const int CacheLimit = 200_000;
    private const int LongWord = 64;

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabBySpan;
    private readonly Dictionary<long, long> _merges;
    private readonly int[] _byteIds;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;

    /// <param name="vocab">Byte-level token spelling to id.</param>
    /// <param name="merges">Merge pairs in rank order (rank = index).</param>
    /// <param name="ignoreMerges">Llama 3's <c>ignore_merges</c>: a word that is itself a token is emitted whole.</param>
    public BpeModel(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, bool ignoreMerges)
    {
        ArgumentNullException.ThrowIfNull(vocab);
        ArgumentNullException.ThrowIfNull(merges);
        _vocab = vocab;
        _vocabBySpan = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        IgnoreMerges = ignoreMerges;
        _byteIds = new int[256];
        for (var b = 0; b < 256; b++)
        {
            if (!vocab.TryGetValue(ByteLevelMap.ByteToChar((byte)b).ToString(), out var id))
            {
                throw new InvalidDataException($"The vocabulary has no token for byte 0x{b:X2}; it is not a byte-level BPE vocabulary.");
            }

            _byteIds[b] = id;
        }

        _merges = new Dictionary<long, long>(merges.Count);
        Span<char> buffer = stackalloc char[256];
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            if (!vocab.TryGetValue(left, out var leftId) || !vocab.TryGetValue(right, out var rightId))
            {
                throw new InvalidDataException($"Merge #{rank} '{left} {right}' names a token that is not in the vocabulary.");
            }

            int mergedId;
            var length = left.Length + right.Length;
            if (length <= buffer.Length)
            {
                left.AsSpan().CopyTo(buffer);
                right.AsSpan().CopyTo(buffer[left.Length..]);
                if (!_vocabBySpan.TryGetValue(buffer[..length], out mergedId))
                {
                    throw new InvalidDataException($"Merge #{rank} '{left} {right}' makes a token that is not in the vocabulary.");
                }
            }
            else if (!vocab.TryGetValue(left + right, out mergedId))
            {
                throw new InvalidDataException($"Merge #{rank} '{left} {right}' makes a token that is not in the vocabulary.");
            }

            // Keep the first (lowest) rank of a duplicated pair, as Hugging Face does.
            _merges.TryAdd(Key(leftId, rightId), ((long)rank << 32) | (uint)mergedId);
        }
    }

    /// <summary>Builds the model from already-resolved id triples (the compact cache form).</summary>
    public BpeModel(Dictionary<string, int> vocab, ReadOnlySpan<int> mergeTriples, bool ignoreMerges)
    {
        ArgumentNullException.ThrowIfNull(vocab);
        _vocab = vocab;
        _vocabBySpan = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        IgnoreMerges = ignoreMerges;
        _byteIds = new int[256];
        for (var b = 0; b < 256; b++)
        {
            _byteIds[b] = vocab[ByteLevelMap.ByteToChar((byte)b).ToString()];
        }

        var count = mergeTriples.Length / 3;
        _merges = new Dictionary<long, long>(count);
        for (var rank = 0; rank < count; rank++)
        {
            _merges.TryAdd(Key(mergeTriples[3 * rank], mergeTriples[(3 * rank) + 1]), ((long)rank << 32) | (uint)mergeTriples[(3 * rank) + 2]);
        }
    }

    public bool IgnoreMerges { get; }

    public IReadOnlyDictionary<string, int> Vocabulary => _vocab;

    public int MergeCount => _merges.Count;

    /// <summary>The merges as (left id, right id, merged id) triples in rank order.</summary>
    public int[] GetMergeTriples()
    {
        var triples = new int[_merges.Count * 3];
        foreach (var (key, value) in _merges)
        {
            var rank = (int)(value >> 32);
            triples[3 * rank] = (int)(key >> 32);
            triples[(3 * rank) + 1] = (int)key;
            triples[(3 * rank) + 2] = (int)value;
        }

        return triples;
    }

    /// <summary>Appends the ids of one pre-tokenized word, given as its UTF-8 bytes and their byte-level spelling.</summary>
    public void EncodeWord(ReadOnlySpan<byte> bytes, ReadOnlySpan<char> spelled, List<int> output)
    {
        if (bytes.Length == 1)
        {
            output.Add(_byteIds[bytes[0]]);
            return;
        }

        if (_cacheBySpan.TryGetValue(spelled, out var cached))
        {
            output.AddRange(cached);
            return;
        }

        int[] ids;
        if (IgnoreMerges && _vocabBySpan.TryGetValue(spelled, out var whole))
        {
            ids = [whole];
        }
        else
        {
            ids = bytes.Length <= LongWord ? MergeShort(bytes) : MergeLong(bytes);
        }

        if (_cache.Count >= CacheLimit)
        {
            // A crude bound: a server tokenizing endless unique text must not grow without limit.
            _cache.Clear();
        }

        _cacheBySpan.TryAdd(spelled, ids);
        output.AddRange(ids);
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    private int[] MergeShort(ReadOnlySpan<byte> bytes)
    {
        Span<int> ids = stackalloc int[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            ids[i] = _byteIds[bytes[i]];
        }

        var count = ids.Length;
        while (count > 1)
        {
            var bestRank = long.MaxValue;
            var bestIndex = -1;
            var bestId = 0;
            for (var i = 0; i < count - 1; i++)
            {
                if (_merges.TryGetValue(Key(ids[i], ids[i + 1]), out var merge) && (merge >> 32) < bestRank)
                {
                    bestRank = merge >> 32;
                    bestIndex = i;
                    bestId = (int)merge;
                }
            }

            if (bestIndex < 0)
            {
                break;
            }

            ids[bestIndex] = bestId;
            ids[(bestIndex + 2)..count].CopyTo(ids[(bestIndex + 1)..]);
            count--;
        }

        return ids[..count].ToArray();
    }

    /// <summary>The same merge order with a priority queue and a linked list: O(n log n) for very long words.</summary>
    private int[] MergeLong(ReadOnlySpan<byte> bytes)
    {
        var n = bytes.Length;
        var ids = new int[n];
        var next = new int[n];
        var prev = new int[n];
        for (var i = 0; i < n; i++)
        {
            ids[i] = _byteIds[bytes[i]];
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }

        var queue = new PriorityQueue<(int Position, int Left, int Right, int Merged), (int Rank, int Position)>();
        void Push(int position)
        {
            var right = next[position];
            if (right >= 0 && _merges.TryGetValue(Key(ids[position], ids[right]), out var merge))
            {
                queue.Enqueue((position, ids[position], ids[right], (int)merge), ((int)(merge >> 32), position));
            }
        }

        for (var i = 0; i < n - 1; i++)
        {
            Push(i);
        }

        var alive = new bool[n];
        Array.Fill(alive, true);
        while (queue.TryDequeue(out var item, out _))
        {
            var position = item.Position;
            var right = next[position];
            if (!alive[position] || right < 0 || ids[position] != item.Left || ids[right] != item.Right)
            {
                continue;
            }

            ids[position] = item.Merged;
            alive[right] = false;
            next[position] = next[right];
            if (next[right] >= 0)
            {
                prev[next[right]] = position;
            }

            if (prev[position] >= 0)
            {
                Push(prev[position]);
            }

            Push(position);
        }

        var result = new List<int>();
        for (var i = 0; i >= 0; i = next[i])
        {
            result.Add(ids[i]);
        }

        return result.ToArray();
    }
}
