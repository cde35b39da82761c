using System.Buffers;
using System.Text;

namespace Suite.Tokenizer.Core.Bpe;

/// <summary>
/// A byte-level BPE tokenizer with Hugging Face semantics: added tokens are cut out of the text first (longest first),
/// the rest is normalized, pre-tokenized by regex, turned into bytes and merged. Thread-safe.
/// </summary>
public sealed class BpeTokenizer : ITextTokenizer, ITokenByteSource
{
    private readonly BpeModel _model;
    private readonly PreTokenizer _preTokenizer;
    private readonly AddedTokenMatcher _matcher;
    private readonly NormalizationForm? _normalization;
    private readonly int[] _prefix;
    private readonly int[] _suffix;
    private readonly byte[] _tokenBytes;
    private readonly int[] _tokenOffsets;
    private readonly bool[] _special;
    private readonly string?[] _tokenStrings;

    public BpeTokenizer(
        string name,
        BpeModel model,
        PreTokenizer preTokenizer,
        IReadOnlyList<AddedToken> addedTokens,
        NormalizationForm? normalization,
        IReadOnlyList<int> prefixTokens,
        IReadOnlyList<int> suffixTokens,
        IChatTemplate? chatTemplate,
        ChatTemplateSource? chatTemplateSource = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(preTokenizer);
        ArgumentNullException.ThrowIfNull(addedTokens);
        Name = name;
        _model = model;
        _preTokenizer = preTokenizer;
        _matcher = new AddedTokenMatcher(addedTokens);
        _normalization = normalization;
        _prefix = prefixTokens.ToArray();
        _suffix = suffixTokens.ToArray();
        ChatTemplate = chatTemplate;
        ChatTemplateSource = chatTemplateSource;
        AddedTokens = addedTokens;

        var size = 0;
        foreach (var id in model.Vocabulary.Values)
        {
            size = Math.Max(size, id + 1);
        }

        foreach (var token in addedTokens)
        {
            size = Math.Max(size, token.Id + 1);
        }

        VocabularySize = size;
        _special = new bool[size];
        _tokenStrings = new string?[size];
        var added = new bool[size];
        foreach (var (spelling, id) in model.Vocabulary)
        {
            _tokenStrings[id] = spelling;
        }

        foreach (var token in addedTokens)
        {
            _tokenStrings[token.Id] = token.Content;
            _special[token.Id] = token.Special;
            added[token.Id] = true;
        }

        // All token bytes in one array (one allocation instead of 128K small ones: load time).
        _tokenOffsets = new int[size + 1];
        var blob = new ArrayBufferWriter<byte>(size * 8);
        for (var id = 0; id < size; id++)
        {
            _tokenOffsets[id] = blob.WrittenCount;
            if (_tokenStrings[id] is { } text)
            {
                var destination = blob.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
                var written = added[id] ? Encoding.UTF8.GetBytes(text, destination) : Unspell(text, destination);
                blob.Advance(written);
            }
        }

        _tokenOffsets[size] = blob.WrittenCount;
        _tokenBytes = blob.WrittenSpan.ToArray();
    }

    public string Name { get; }

    public int VocabularySize { get; }

    public IChatTemplate? ChatTemplate { get; }

    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>The template text and BOS/EOS strings <see cref="ChatTemplate"/> was made from (kept for the load cache).</summary>
    public ChatTemplateSource? ChatTemplateSource { get; }

    public BpeModel Model => _model;

    public PreTokenizer PreTokenizer => _preTokenizer;

    public NormalizationForm? Normalization => _normalization;

    /// <summary>Tokens put before the text when <c>addSpecialTokens</c> is true (e.g. BOS).</summary>
    public IReadOnlyList<int> PrefixTokens => _prefix;

    /// <summary>Tokens put after the text when <c>addSpecialTokens</c> is true (e.g. EOS for some models).</summary>
    public IReadOnlyList<int> SuffixTokens => _suffix;

    /// <summary>The vocabulary spelling of a token (byte-level characters, or an added token's text), or null.</summary>
    public string? IdToToken(int id) => (uint)id < (uint)_tokenStrings.Length ? _tokenStrings[id] : null;

    /// <summary>The id of a vocabulary spelling or added token, or null.</summary>
    public int? TokenToId(string token)
    {
        foreach (var added in AddedTokens)
        {
            if (added.Content == token)
            {
                return added.Id;
            }
        }

        return _model.Vocabulary.TryGetValue(token, out var id) ? id : null;
    }

    public int[] Encode(string text, bool addSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new List<int>((text.Length / 3) + 4);
        if (addSpecialTokens)
        {
            output.AddRange(_prefix);
        }

        var state = new EncodeState();
        var position = 0;
        while (_matcher.TryFindNext(text, position, out var index, out var token))
        {
            EncodeSegment(text, position, index - position, output, state);
            output.Add(token.Id);
            position = index + token.Content.Length;
        }

        EncodeSegment(text, position, text.Length - position, output, state);
        state.Return();
        if (addSpecialTokens)
        {
            output.AddRange(_suffix);
        }

        return output.ToArray();
    }

    public string Decode(ReadOnlySpan<int> tokens, bool skipSpecialTokens)
    {
        var total = 0;
        foreach (var id in tokens)
        {
            total += GetTokenBytes(id).Length;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(total, 1));
        try
        {
            var length = 0;
            foreach (var id in tokens)
            {
                if (skipSpecialTokens && IsSpecial(id))
                {
                    continue;
                }

                var bytes = GetTokenBytes(id);
                bytes.CopyTo(buffer.AsSpan(length));
                length += bytes.Length;
            }

            // Invalid UTF-8 (a sequence cut mid-character) becomes U+FFFD, like from_utf8_lossy / TextDecoder.
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ReadOnlySpan<byte> GetTokenBytes(int tokenId) =>
        (uint)tokenId < (uint)VocabularySize
            ? _tokenBytes.AsSpan(_tokenOffsets[tokenId], _tokenOffsets[tokenId + 1] - _tokenOffsets[tokenId])
            : ReadOnlySpan<byte>.Empty;

    public bool IsSpecial(int tokenId) => (uint)tokenId < (uint)_special.Length && _special[tokenId];

    private static int Unspell(string spelling, Span<byte> destination)
    {
        for (var i = 0; i < spelling.Length; i++)
        {
            var b = ByteLevelMap.CharToByte(spelling[i]);
            if (b < 0)
            {
                // Not byte-level spelled (e.g. a special token kept in the vocabulary): its text is its content.
                return Encoding.UTF8.GetBytes(spelling, destination);
            }

            destination[i] = (byte)b;
        }

        return spelling.Length;
    }

    private void EncodeSegment(string text, int start, int length, List<int> output, EncodeState state)
    {
        if (length == 0)
        {
            return;
        }

        var segment = start == 0 && length == text.Length ? text : text.Substring(start, length);
        if (_normalization is { } form)
        {
            // Lone surrogates make string.Normalize throw; the reference replaces them with U+FFFD when it encodes
            // bytes anyway, so doing it first changes nothing but avoids the exception.
            segment = ReplaceLoneSurrogates(segment).Normalize(form);
        }

        if (_preTokenizer.AddPrefixSpace && segment[0] != ' ')
        {
            segment = " " + segment;
        }

        var shadow = RegexShadow.Build(segment, _preTokenizer.Flavor, out var map);
        _preTokenizer.Split(shadow, state.Pieces, state.Scratch);
        foreach (var (pieceStart, pieceLength) in state.Pieces)
        {
            var from = map is null ? pieceStart : map[pieceStart];
            var to = map is null ? pieceStart + pieceLength : map[pieceStart + pieceLength];
            EncodePiece(segment.AsSpan(from, to - from), output, state);
        }
    }

    private void EncodePiece(ReadOnlySpan<char> piece, List<int> output, EncodeState state)
    {
        // Encoding.UTF8 turns a lone surrogate into EF BF BD (U+FFFD), as JavaScript's TextEncoder does.
        var maxBytes = Encoding.UTF8.GetMaxByteCount(piece.Length);
        state.EnsureCapacity(maxBytes);
        var byteCount = Encoding.UTF8.GetBytes(piece, state.Bytes);
        var bytes = state.Bytes.AsSpan(0, byteCount);
        var spelled = state.Chars.AsSpan(0, byteCount);
        for (var i = 0; i < byteCount; i++)
        {
            spelled[i] = ByteLevelMap.ByteToChar(bytes[i]);
        }

        _model.EncodeWord(bytes, spelled, output);
    }

    private static string ReplaceLoneSurrogates(string text)
    {
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return new string(chars);
    }
}
