using System.Buffers;
using System.Text;
using Suite.Tokenizer.Core.Decoding;

namespace Suite.Tokenizer.Core.Bpe;

/// <summary>
/// A BPE tokenizer with Hugging Face semantics: added tokens are cut out of the text first (those not marked
/// normalized from the original text, the others from the normalized text), each remaining piece is normalized,
/// pre-tokenized by regex and merged, byte-level (DeepSeek, Qwen, Llama 3) or SentencePiece-style with byte fallback
/// (Llama 2, Gemma). Decoding runs the tokenizer.json decoder steps. Thread-safe.
/// </summary>
public sealed partial class BpeTokenizer : ITextTokenizer, ITokenByteSource
{
    private readonly BpeModel _model;
    private readonly TokenizerPipeline _pipeline;
    private readonly AddedTokenMatcher _rawMatcher;
    private readonly AddedTokenMatcher _normalizedMatcher;
    private readonly int[] _prefix;
    private readonly int[] _suffix;
    private readonly byte[] _tokenBytes;
    private readonly int[] _tokenOffsets;
    private readonly bool[] _special;
    private readonly string?[] _tokenStrings;

    public BpeTokenizer(
        string name,
        BpeModel model,
        TokenizerPipeline pipeline,
        IReadOnlyList<AddedToken> addedTokens,
        IReadOnlyList<int> prefixTokens,
        IReadOnlyList<int> suffixTokens,
        ChatTemplateSource? chatTemplateSource,
        IChatTemplate? chatTemplate)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(addedTokens);
        Name = name;
        _model = model;
        _pipeline = pipeline;

        // Without a normalizer the normalized text is the text: every added token can be found in one pass.
        _rawMatcher = new AddedTokenMatcher(pipeline.Normalizer is null ? addedTokens : addedTokens.Where(t => !t.Normalized));
        _normalizedMatcher = new AddedTokenMatcher(pipeline.Normalizer is null ? [] : addedTokens.Where(t => t.Normalized));
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
        foreach (var (spelling, id) in model.Vocabulary)
        {
            _tokenStrings[id] = spelling;
        }

        foreach (var token in addedTokens)
        {
            _tokenStrings[token.Id] = token.Content;
            _special[token.Id] = token.Special;
        }

        // All token bytes in one array (one allocation instead of 128K small ones: load time).
        _tokenOffsets = new int[size + 1];
        var blob = new ArrayBufferWriter<byte>(size * 8);
        for (var id = 0; id < size; id++)
        {
            _tokenOffsets[id] = blob.WrittenCount;
            if (_tokenStrings[id] is { } text)
            {
                var bytes = model.Options.ByteLevel ? TokenDecoder.ByteLevelBytes(text) : pipeline.Decoder.StreamingBytes(text);
                blob.Write(bytes);
            }
        }

        _tokenOffsets[size] = blob.WrittenCount;
        _tokenBytes = blob.WrittenSpan.ToArray();
    }

    public string Name { get; }

    public int VocabularySize { get; }

    public IChatTemplate? ChatTemplate { get; }

    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>The template text and special tokens <see cref="ChatTemplate"/> was made from (kept for the load cache).</summary>
    public ChatTemplateSource? ChatTemplateSource { get; }

    public BpeModel Model => _model;

    public TokenizerPipeline Pipeline => _pipeline;

    public PreTokenizer PreTokenizer => _pipeline.PreTokenizer;

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

    public string Decode(ReadOnlySpan<int> tokens, bool skipSpecialTokens)
    {
        if (!_pipeline.Decoder.IsByteLevelOnly)
        {
            var strings = new List<string>(tokens.Length);
            foreach (var id in tokens)
            {
                if (IdToToken(id) is { } token && !(skipSpecialTokens && IsSpecial(id)))
                {
                    strings.Add(token);
                }
            }

            return _pipeline.Decoder.Decode(strings);
        }

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

            // Invalid UTF-8 (a sequence cut mid-character) becomes U+FFFD, like from_utf8_lossy.
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
}
