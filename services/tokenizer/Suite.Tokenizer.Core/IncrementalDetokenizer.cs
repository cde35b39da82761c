using System.Text;

namespace Suite.Tokenizer.Core;

/// <summary>
/// Turns a stream of token ids into text for streaming responses. A token can end in the middle of a UTF-8 character
/// (an emoji or CJK character is often split over two or three byte-level tokens), so bytes of an incomplete character
/// are held back until a later token completes it; <see cref="Push(int)"/> therefore only ever returns whole
/// characters. Invalid byte sequences become U+FFFD, as in a full decode. Not thread-safe: one per stream.
/// </summary>
public sealed class IncrementalDetokenizer
{
    private readonly ITokenByteSource _tokens;
    private readonly bool _skipSpecialTokens;
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private char[] _chars = new char[64];

    public IncrementalDetokenizer(ITokenByteSource tokens, bool skipSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _tokens = tokens;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>Feeds one token; returns the text it completes (possibly empty).</summary>
    public string Push(int tokenId) => Push([tokenId]);

    /// <summary>Feeds a chunk of tokens; returns the text they complete (possibly empty).</summary>
    public string Push(ReadOnlySpan<int> tokenIds)
    {
        var text = new StringBuilder();
        foreach (var id in tokenIds)
        {
            if (_skipSpecialTokens && _tokens.IsSpecial(id))
            {
                continue;
            }

            Append(_tokens.GetTokenBytes(id), flush: false, text);
        }

        return text.ToString();
    }

    /// <summary>Ends the stream: held-back bytes of an unfinished character come out as U+FFFD.</summary>
    public string Flush()
    {
        var text = new StringBuilder();
        Append(ReadOnlySpan<byte>.Empty, flush: true, text);
        return text.ToString();
    }

    private void Append(ReadOnlySpan<byte> bytes, bool flush, StringBuilder text)
    {
        var needed = _decoder.GetCharCount(bytes, flush);
        if (needed > _chars.Length)
        {
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        }

        var written = _decoder.GetChars(bytes, _chars, flush);
        text.Append(_chars, 0, written);
    }
}
