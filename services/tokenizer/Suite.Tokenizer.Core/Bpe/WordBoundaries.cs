namespace Suite.Tokenizer.Core.Bpe;

/// <summary>
/// Where a character-level BPE word can be cut without changing its encoding: between two characters that no
/// vocabulary token contains side by side. Every merge makes a vocabulary token, so no merge ever joins symbols
/// across such a place, and the two sides merge exactly as they would together. This holds only when byte-fallback
/// and unknown symbols never merge (then a character missing from the vocabulary is a boundary on both sides) and
/// unknown runs are not fused; otherwise <see cref="Build"/> gives none and words are merged whole.
/// </summary>
public sealed class WordBoundaries
{
    private readonly HashSet<long> _pairs;

    // The pairs of two ASCII characters as a 128 x 128 bitmap: most text is looked up here without hashing.
    private readonly ulong[] _ascii = new ulong[128 * 128 / 64];

    private WordBoundaries(HashSet<long> pairs)
    {
        _pairs = pairs;
        foreach (var pair in pairs)
        {
            var left = pair >> 21;
            var right = pair & 0x1FFFFF;
            if (left < 128 && right < 128)
            {
                var bit = (left * 128) + right;
                _ascii[bit >> 6] |= 1UL << (int)(bit & 63);
            }
        }
    }

    /// <summary>The boundaries of a character-level model, or null for a byte-level one or one where cutting is not exact.</summary>
    public static WordBoundaries? Build(Dictionary<string, int> vocab, IEnumerable<long> mergePairs, BpeModelOptions options, int[] byteIds, int unknownId)
    {
        ArgumentNullException.ThrowIfNull(vocab);
        ArgumentNullException.ThrowIfNull(mergePairs);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(byteIds);
        if (options.ByteLevel || !options.ByteFallback || Array.IndexOf(byteIds, -1) >= 0)
        {
            return null;
        }

        var special = new HashSet<int>(byteIds);
        if (unknownId >= 0)
        {
            special.Add(unknownId);
        }

        foreach (var pair in mergePairs)
        {
            if (special.Contains((int)(pair >> 32)) || special.Contains((int)pair))
            {
                return null;
            }
        }

        var pairs = new HashSet<long>();
        foreach (var token in vocab.Keys)
        {
            var previous = -1;
            for (var i = 0; i < token.Length; i++)
            {
                var codePoint = char.IsHighSurrogate(token[i]) && i + 1 < token.Length && char.IsLowSurrogate(token[i + 1])
                    ? char.ConvertToUtf32(token[i], token[++i])
                    : token[i];
                if (previous >= 0)
                {
                    pairs.Add(Key(previous, codePoint));
                }

                previous = codePoint;
            }
        }

        return new WordBoundaries(pairs);
    }

    /// <summary>The end of the part of <paramref name="word"/> that starts at <paramref name="start"/>: the next boundary, or the word's end.</summary>
    public int NextBoundary(ReadOnlySpan<char> word, int start)
    {
        var previous = CodePointAt(word, start, out var width);
        for (var i = start + width; i < word.Length; i += width)
        {
            var current = CodePointAt(word, i, out width);
            if (!Contains(previous, current))
            {
                return i;
            }

            previous = current;
        }

        return word.Length;
    }

    private bool Contains(int left, int right)
    {
        if ((left | right) < 128)
        {
            var bit = (left * 128) + right;
            return (_ascii[bit >> 6] & (1UL << (bit & 63))) != 0;
        }

        return _pairs.Contains(Key(left, right));
    }

    private static int CodePointAt(ReadOnlySpan<char> text, int index, out int width)
    {
        if (char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            width = 2;
            return char.ConvertToUtf32(text[index], text[index + 1]);
        }

        width = 1;
        return text[index];
    }

    private static long Key(int left, int right) => ((long)left << 21) | (uint)right;
}
