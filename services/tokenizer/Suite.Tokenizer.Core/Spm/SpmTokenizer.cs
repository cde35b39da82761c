using System.Text;
using Suite.Tokenizer.Core.Bpe;

namespace Suite.Tokenizer.Core.Spm;

/// <summary>
/// llama.cpp's SentencePiece-style tokenizer for GGUF <c>tokenizer.ggml.model = llama</c>: spaces become U+2581,
/// a space is put before text that starts the prompt or follows a special token (<c>add_space_prefix</c>), then
/// adjacent pieces are merged highest score first (leftmost on ties) while the merged text is a token, and pieces
/// that are not tokens fall back to <c>&lt;0xXX&gt;</c> byte tokens. Control (type 3) and user-defined (type 4) token
/// strings in the text are matched as those tokens. Thread-safe.
/// </summary>
public sealed class SpmTokenizer : ITextTokenizer, ITokenByteSource
{
    private const char Space = '\u2581';

    private readonly string[] _tokens;
    private readonly float[] _scores;
    private readonly int[] _types;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _idsBySpan;
    private readonly int[] _byteTokens;
    private readonly byte[][] _tokenBytes;
    private readonly AddedTokenMatcher _matcher;
    private readonly int[] _prefix;
    private readonly int[] _suffix;
    private readonly bool _addSpacePrefix;
    private readonly int _maxTokenBytes;

    public SpmTokenizer(string name, string[] tokens, float[] scores, int[] types, int unknownId, bool addSpacePrefix,
        IReadOnlyList<int> prefixTokens, IReadOnlyList<int> suffixTokens, IChatTemplate? chatTemplate)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(types);
        Name = name;
        _tokens = tokens;
        _scores = scores;
        _types = types;
        UnknownTokenId = unknownId;
        _addSpacePrefix = addSpacePrefix;
        _prefix = prefixTokens.ToArray();
        _suffix = suffixTokens.ToArray();
        ChatTemplate = chatTemplate;
        _ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (var id = 0; id < tokens.Length; id++)
        {
            _ids.TryAdd(tokens[id], id);
        }

        _idsBySpan = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _byteTokens = new int[256];
        for (var b = 0; b < 256; b++)
        {
            _byteTokens[b] = _ids.TryGetValue($"<0x{b:X2}>", out var id) ? id : unknownId;
        }

        _tokenBytes = new byte[tokens.Length][];
        var added = new List<AddedToken>();
        for (var id = 0; id < tokens.Length; id++)
        {
            var type = id < types.Length ? types[id] : 1;
            _tokenBytes[id] = type switch
            {
                6 when tokens[id].Length == 6 => [Convert.ToByte(tokens[id][3..5], 16)],
                3 or 4 => Encoding.UTF8.GetBytes(tokens[id]),
                _ => Encoding.UTF8.GetBytes(tokens[id].Replace(Space, ' ')),
            };
            if (type is 3 or 4)
            {
                added.Add(new AddedToken(id, tokens[id], Special: type == 3));
            }
        }

        _matcher = new AddedTokenMatcher(added);

        // Byte tokens stand for one byte, so the longest spelling bounds the bytes any token covers (▁ is 3 bytes).
        _maxTokenBytes = Math.Max(4, tokens.Max(t => Encoding.UTF8.GetByteCount(t)));
    }

    public string Name { get; }

    public int VocabularySize => _tokens.Length;

    public int UnknownTokenId { get; }

    public IChatTemplate? ChatTemplate { get; }

    public int[] Encode(string text, bool addSpecialTokens) => Encode(text, addSpecialTokens, int.MaxValue).Tokens;

    public BoundedEncoding Encode(string text, bool addSpecialTokens, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = TextSanitizer.ReplaceLoneSurrogates(text);
        var output = new List<int>();
        if (addSpecialTokens)
        {
            output.AddRange(_prefix);
        }

        var previousSpecial = true;
        var position = 0;
        while (position < text.Length && output.Count <= maxTokens)
        {
            var found = _matcher.TryFindNext(text, position, out var index, out var token);
            var end = found ? index : text.Length;
            if (end > position)
            {
                // llama.cpp merges a whole fragment as one sequence: refuse before merging one that cannot fit.
                var fragment = text.AsSpan(position, end - position);
                if (maxTokens != int.MaxValue && output.Count + ((Encoding.UTF8.GetByteCount(fragment) + _maxTokenBytes - 1) / _maxTokenBytes) > maxTokens)
                {
                    return new BoundedEncoding(output.ToArray(), false);
                }

                EncodeFragment(fragment, previousSpecial, output);
                previousSpecial = false;
            }

            if (!found)
            {
                break;
            }

            output.Add(token.Id);
            previousSpecial = true;
            position = index + token.Content.Length;
        }

        if (addSpecialTokens)
        {
            output.AddRange(_suffix);
        }

        return new BoundedEncoding(output.ToArray(), output.Count <= maxTokens);
    }

    public string Decode(ReadOnlySpan<int> tokens, bool skipSpecialTokens)
    {
        var bytes = new List<byte>();
        foreach (var id in tokens)
        {
            if (skipSpecialTokens && IsSpecial(id))
            {
                continue;
            }

            bytes.AddRange(GetTokenBytes(id));
        }

        var text = Encoding.UTF8.GetString(bytes.ToArray());

        // The space add_space_prefix put in front is not part of the text.
        return _addSpacePrefix && text.StartsWith(' ') ? text[1..] : text;
    }

    public ReadOnlySpan<byte> GetTokenBytes(int tokenId) =>
        (uint)tokenId < (uint)_tokenBytes.Length ? _tokenBytes[tokenId] : ReadOnlySpan<byte>.Empty;

    public bool IsSpecial(int tokenId) => (uint)tokenId < (uint)_types.Length && _types[tokenId] == 3;

    private void EncodeFragment(ReadOnlySpan<char> fragment, bool previousSpecial, List<int> output)
    {
        var text = new StringBuilder(fragment.Length + 1);
        if (_addSpacePrefix && previousSpecial)
        {
            text.Append(Space);
        }

        foreach (var c in fragment)
        {
            text.Append(c == ' ' ? Space : c);
        }

        var s = text.ToString();

        // Symbols are whole code points (a surrogate pair stays together), linked in a list.
        var starts = new List<int>();
        for (var i = 0; i < s.Length; i++)
        {
            starts.Add(i);
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
        }

        var n = starts.Count;
        var start = starts.ToArray();
        var length = new int[n];
        var prev = new int[n];
        var next = new int[n];
        for (var i = 0; i < n; i++)
        {
            length[i] = (i + 1 < n ? start[i + 1] : s.Length) - start[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }

        // Highest score first; on equal scores the leftmost pair (llama.cpp's comparator).
        var queue = new PriorityQueue<(int Left, int Right, int Size), (float NegativeScore, int Left)>();
        void TryAdd(int left, int right)
        {
            if (left < 0 || right < 0)
            {
                return;
            }

            var size = length[left] + length[right];
            if (!_idsBySpan.TryGetValue(s.AsSpan(start[left], size), out var id))
            {
                return;
            }

            queue.Enqueue((left, right, size), (-_scores[id], left));
        }

        for (var i = 1; i < n; i++)
        {
            TryAdd(i - 1, i);
        }

        while (queue.TryDequeue(out var bigram, out _))
        {
            var (left, right, size) = bigram;
            if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != size || next[left] != right)
            {
                continue;
            }

            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0)
            {
                prev[next[right]] = left;
            }

            TryAdd(prev[left], left);
            TryAdd(left, next[left]);
        }

        for (var i = 0; i >= 0 && n > 0; i = next[i])
        {
            // Pieces only ever merge into tokens, so a piece is a token unless it is a single unknown character:
            // then each UTF-8 byte becomes its <0xXX> token (llama.cpp's resegment).
            if (_idsBySpan.TryGetValue(s.AsSpan(start[i], length[i]), out var id))
            {
                output.Add(id);
                continue;
            }

            foreach (var b in Encoding.UTF8.GetBytes(s.Substring(start[i], length[i])))
            {
                output.Add(_byteTokens[b]);
            }
        }
    }
}
