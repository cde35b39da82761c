using System.Text;
using Suite.ModelWorker.Backends;

namespace Suite.ModelWorker.Streaming;

/// <summary>
/// Turns token IDs into text as they arrive. A character whose bytes span several tokens is held until complete,
/// so no chunk ever ends in half a character.
/// </summary>
public sealed class Utf8StreamDecoder(ITokenVocabulary vocabulary)
{
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private char[] _chars = new char[256];

    /// <summary>Appends the text completed by <paramref name="tokens"/> to <paramref name="into"/>.</summary>
    public void Append(ReadOnlySpan<int> tokens, StringBuilder into)
    {
        foreach (var token in tokens)
        {
            var bytes = vocabulary.Piece(token);
            if (bytes.IsEmpty)
            {
                continue;
            }

            var needed = _decoder.GetCharCount(bytes, flush: false);
            if (needed > _chars.Length)
            {
                _chars = new char[Math.Max(needed, _chars.Length * 2)];
            }

            var written = _decoder.GetChars(bytes, _chars, flush: false);
            into.Append(_chars, 0, written);
        }
    }

    /// <summary>At the end of a stream: whatever bytes are left become replacement characters.</summary>
    public void Flush(StringBuilder into)
    {
        var written = _decoder.GetChars(ReadOnlySpan<byte>.Empty, _chars, flush: true);
        into.Append(_chars, 0, written);
    }
}
