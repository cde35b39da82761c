using System.Text;

namespace Suite.Tokenizer.Core.Bpe;

/// <summary>
/// BPE over token ids, exactly as Hugging Face <c>tokenizers</c> does it: a word starts as its first symbols (see
/// <see cref="BpeModelOptions"/>), then the adjacent pair with the lowest merge rank (leftmost on ties) is merged until
/// no pair has a merge. Results of short words are kept in a <see cref="WordCache"/> bounded in bytes. Thread-safe.
/// </summary>
public sealed partial class BpeModel
{
    /// <summary>What the word cache may hold by default, per tokenizer.</summary>
    public const long DefaultWordCacheBytes = 32L << 20;

    private const int ShortWord = 64;

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabBySpan;
    private readonly Dictionary<long, long> _merges;
    private readonly int[] _byteIds;
    private readonly int _unknownId = -1;
    private readonly WordBoundaries? _boundaries;

    /// <param name="vocab">Token spelling to id (byte-level spellings for a byte-level model).</param>
    /// <param name="merges">Merge pairs in rank order (rank = index).</param>
    public BpeModel(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, BpeModelOptions options)
        : this(vocab, options)
    {
        ArgumentNullException.ThrowIfNull(merges);
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

        _boundaries = WordBoundaries.Build(vocab, _merges.Keys, options, _byteIds, _unknownId);
    }

    /// <summary>Builds the model from already-resolved (left id, right id, merged id) triples in rank order (the cache form).</summary>
    public BpeModel(Dictionary<string, int> vocab, ReadOnlySpan<int> mergeTriples, BpeModelOptions options)
        : this(vocab, options)
    {
        var count = mergeTriples.Length / 3;
        _merges = new Dictionary<long, long>(count);
        for (var rank = 0; rank < count; rank++)
        {
            _merges.TryAdd(Key(mergeTriples[3 * rank], mergeTriples[(3 * rank) + 1]), ((long)rank << 32) | (uint)mergeTriples[(3 * rank) + 2]);
        }

        _boundaries = WordBoundaries.Build(vocab, _merges.Keys, options, _byteIds, _unknownId);
    }

    private BpeModel(Dictionary<string, int> vocab, BpeModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(vocab);
        ArgumentNullException.ThrowIfNull(options);
        _vocab = vocab;
        _vocabBySpan = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        Options = options;
        _merges = [];
        _byteIds = new int[256];
        for (var b = 0; b < 256; b++)
        {
            var spelling = options.ByteLevel ? ByteLevelMap.ByteToChar((byte)b).ToString() : $"<0x{b:X2}>";
            if (vocab.TryGetValue(spelling, out var id))
            {
                _byteIds[b] = id;
            }
            else if (options.ByteLevel)
            {
                throw new InvalidDataException($"The vocabulary has no token for byte 0x{b:X2}; it is not a byte-level BPE vocabulary.");
            }
            else
            {
                _byteIds[b] = -1;
            }
        }

        if (options.UnknownToken is { } unknown)
        {
            _unknownId = vocab.TryGetValue(unknown, out var id)
                ? id
                : throw new InvalidDataException($"The unknown token '{unknown}' is not in the vocabulary.");
        }

        var longest = 0;
        foreach (var spelling in vocab.Keys)
        {
            longest = Math.Max(longest, options.ByteLevel ? spelling.Length : Encoding.UTF8.GetByteCount(spelling));
        }

        // A character-level unknown token stands for one character: up to 4 bytes whatever its spelling.
        MaxTokenBytes = Math.Max(options.ByteLevel ? 1 : 4, longest);
        Cache = new WordCache(DefaultWordCacheBytes);
    }

    public BpeModelOptions Options { get; }

    public bool IgnoreMerges => Options.IgnoreMerges;

    public IReadOnlyDictionary<string, int> Vocabulary => _vocab;

    public int MergeCount => _merges.Count;

    /// <summary>
    /// The most UTF-8 bytes of input one token can stand for: a word of n bytes gives at least n / MaxTokenBytes tokens,
    /// which lets a prompt that cannot fit be refused before its words are merged.
    /// </summary>
    public int MaxTokenBytes { get; }

    /// <summary>Whether a run of characters can collapse into one unknown token, so word length bounds nothing.</summary>
    public bool FusesUnknownRuns => Options.FuseUnknown && _unknownId >= 0 && (!Options.ByteFallback || Array.IndexOf(_byteIds, -1) >= 0);

    public WordCache Cache { get; }

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

    /// <summary>
    /// Appends the ids of one pre-tokenized word of a byte-level model, given as its UTF-8 bytes and their byte-level
    /// spelling.
    /// </summary>
    public void EncodeWord(ReadOnlySpan<byte> bytes, ReadOnlySpan<char> spelled, List<int> output)
    {
        if (bytes.Length == 1)
        {
            output.Add(_byteIds[bytes[0]]);
            return;
        }

        if (Cache.TryGet(spelled, out var cached))
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
            var symbols = bytes.Length <= ShortWord ? stackalloc int[bytes.Length] : new int[bytes.Length];
            for (var i = 0; i < bytes.Length; i++)
            {
                symbols[i] = _byteIds[bytes[i]];
            }

            ids = Merge(symbols);
        }

        Cache.Add(spelled, ids);
        output.AddRange(ids);
    }

    /// <summary>
    /// Appends the ids of one pre-tokenized word of a character-level (SentencePiece-style) model. Such a "word" is often
    /// a whole line (Gemma does not pre-tokenize), so it is cut where no token can span (see <see cref="WordBoundaries"/>)
    /// and the parts, mostly words that repeat, are merged and cached one by one: the same ids, much less work.
    /// </summary>
    public void EncodeWord(ReadOnlySpan<char> word, List<int> output)
    {
        if (word.IsEmpty)
        {
            return;
        }

        if (IgnoreMerges && _vocabBySpan.TryGetValue(word, out var whole))
        {
            output.Add(whole);
            return;
        }

        if (_boundaries is null)
        {
            EncodePart(word, output);
            return;
        }

        var start = 0;
        while (start < word.Length)
        {
            var end = _boundaries.NextBoundary(word, start);
            EncodePart(word[start..end], output);
            start = end;
        }
    }

    private void EncodePart(ReadOnlySpan<char> part, List<int> output)
    {
        if (Cache.TryGet(part, out var cached))
        {
            output.AddRange(cached);
            return;
        }

        var symbols = new List<int>(part.Length);
        InitialSymbols(part, symbols);
        var ids = Merge(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(symbols));
        Cache.Add(part, ids);
        output.AddRange(ids);
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>Hugging Face's <c>merge_word</c> before merging: characters, byte fallback, (fused) unknowns.</summary>
    private void InitialSymbols(ReadOnlySpan<char> word, List<int> symbols)
    {
        var pendingUnknown = false;
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < word.Length; i++)
        {
            var width = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            var character = word.Slice(i, width);
            i += width - 1;
            if (_vocabBySpan.TryGetValue(character, out var id))
            {
                if (pendingUnknown)
                {
                    symbols.Add(_unknownId);
                    pendingUnknown = false;
                }

                symbols.Add(id);
                continue;
            }

            if (Options.ByteFallback)
            {
                var count = Encoding.UTF8.GetBytes(character, utf8);
                var all = true;
                for (var b = 0; b < count; b++)
                {
                    all &= _byteIds[utf8[b]] >= 0;
                }

                if (all)
                {
                    // Hugging Face adds the byte tokens without flushing a pending unknown first.
                    for (var b = 0; b < count; b++)
                    {
                        symbols.Add(_byteIds[utf8[b]]);
                    }

                    continue;
                }
            }

            if (_unknownId < 0)
            {
                continue;
            }

            if (pendingUnknown && !Options.FuseUnknown)
            {
                symbols.Add(_unknownId);
            }

            pendingUnknown = true;
        }

        if (pendingUnknown)
        {
            symbols.Add(_unknownId);
        }
    }

    private int[] Merge(Span<int> symbols) => symbols.Length <= ShortWord ? MergeShort(symbols) : MergeLong(symbols);

    private int[] MergeShort(Span<int> ids)
    {
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
}
