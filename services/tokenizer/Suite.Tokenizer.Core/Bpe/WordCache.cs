using System.Collections.Concurrent;

namespace Suite.Tokenizer.Core.Bpe;

/// <summary>
/// BPE results of recent words, bounded in bytes, not entries: a server that tokenizes endless distinct text (or a
/// client that sends megabyte-long "words") must not grow. Only words up to <see cref="MaxKeyLength"/> characters are
/// kept (Hugging Face caches only short words too: long ones rarely repeat). Two generations approximate LRU
/// cheaply: when the current one holds half the budget it becomes the previous one and the old previous one is
/// dropped; a hit in the previous generation moves the word to the current one. Thread-safe.
/// </summary>
public sealed class WordCache
{
    public const int MaxKeyLength = 256;

    // Per entry besides the key's characters and the ids: string and array headers, dictionary node and bucket.
    private const int EntryOverhead = 96;

    private readonly Lock _rotateLock = new();
    private volatile Generation _current = new();
    private volatile Generation _previous = new();

    public WordCache(long capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacityBytes);
        CapacityBytes = capacityBytes;
    }

    public long CapacityBytes { get; private set; }

    /// <summary>What the cached entries cost, as estimated for the bound.</summary>
    public long SizeBytes => _current.Bytes + _previous.Bytes;

    public int Count => _current.Map.Count + _previous.Map.Count;

    /// <summary>Changes the bound; a smaller one takes effect by dropping what is cached now.</summary>
    public void Resize(long capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacityBytes);
        lock (_rotateLock)
        {
            CapacityBytes = capacityBytes;
            _previous = new Generation();
            _current = new Generation();
        }
    }

    public bool TryGet(ReadOnlySpan<char> word, out int[] ids)
    {
        var current = _current;
        if (current.Lookup.TryGetValue(word, out ids!))
        {
            return true;
        }

        if (_previous.Lookup.TryGetValue(word, out ids!))
        {
            Add(word, ids);
            return true;
        }

        return false;
    }

    public void Add(ReadOnlySpan<char> word, int[] ids)
    {
        if (word.Length > MaxKeyLength || CapacityBytes == 0)
        {
            return;
        }

        var current = _current;
        if (!current.Lookup.TryAdd(word, ids))
        {
            return;
        }

        var bytes = Interlocked.Add(ref current.Bytes, EntryOverhead + (2L * word.Length) + (4L * ids.Length));
        if (bytes > CapacityBytes / 2)
        {
            lock (_rotateLock)
            {
                if (ReferenceEquals(current, _current))
                {
                    _previous = current;
                    _current = new Generation();
                }
            }
        }
    }

    private sealed class Generation
    {
        public Generation()
        {
            Lookup = Map.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public ConcurrentDictionary<string, int[]> Map { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }

        // A field, not a property: Interlocked needs a reference to it.
        public long Bytes;
    }
}
