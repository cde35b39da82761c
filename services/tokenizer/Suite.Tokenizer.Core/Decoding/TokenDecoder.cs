using System.Globalization;
using System.Text;
using Suite.Tokenizer.Core.Bpe;

namespace Suite.Tokenizer.Core.Decoding;

/// <summary>
/// Hugging Face's <c>decode</c>: the token strings (vocabulary spellings and added tokens' contents alike) go through the
/// decoder steps in order and the results are joined.
/// </summary>
public sealed class TokenDecoder
{
    private static readonly UTF8Encoding _strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public TokenDecoder(IReadOnlyList<DecoderStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        Steps = steps;
        IsByteLevelOnly = steps.Count == 1 && steps[0].Kind == DecoderKind.ByteLevel;
    }

    public IReadOnlyList<DecoderStep> Steps { get; }

    /// <summary>Only ByteLevel: decoding is concatenating token bytes, which the tokenizer does without strings.</summary>
    public bool IsByteLevelOnly { get; }

    public string Decode(List<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        foreach (var step in Steps)
        {
            tokens = step.Kind switch
            {
                DecoderKind.ByteLevel => [ByteLevel(tokens)],
                DecoderKind.Replace => tokens.ConvertAll(t => t.Replace(step.Pattern, step.Content, StringComparison.Ordinal)),
                DecoderKind.ByteFallback => ByteFallback(tokens),
                DecoderKind.Fuse => [string.Concat(tokens)],
                _ => tokens.ConvertAll(t => Strip(t, step.Content, step.Start, step.Stop)),
            };
        }

        return string.Concat(tokens);
    }

    /// <summary>The bytes one token contributes to streamed text: its byte if it is a &lt;0xXX&gt; token, else its replaced text.</summary>
    public byte[] StreamingBytes(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (Steps.Any(s => s.Kind == DecoderKind.ByteFallback) && TryParseByteToken(token, out var value))
        {
            return [value];
        }

        foreach (var step in Steps.Where(s => s.Kind == DecoderKind.Replace))
        {
            token = token.Replace(step.Pattern, step.Content, StringComparison.Ordinal);
        }

        return Encoding.UTF8.GetBytes(token);
    }

    /// <summary>The bytes a token stands for under the ByteLevel decoder: its byte characters, or its UTF-8 if it has others.</summary>
    public static byte[] ByteLevelBytes(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var bytes = new byte[token.Length];
        for (var i = 0; i < token.Length; i++)
        {
            var b = ByteLevelMap.CharToByte(token[i]);
            if (b < 0)
            {
                return Encoding.UTF8.GetBytes(token);
            }

            bytes[i] = (byte)b;
        }

        return bytes;
    }

    private static string ByteLevel(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            bytes.AddRange(ByteLevelBytes(token));
        }

        // from_utf8_lossy and .NET both replace each maximal invalid subsequence with one U+FFFD.
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static List<string> ByteFallback(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var pending = new List<byte>();
        void Flush()
        {
            if (pending.Count == 0)
            {
                return;
            }

            try
            {
                result.Add(_strictUtf8.GetString(pending.ToArray()));
            }
            catch (DecoderFallbackException)
            {
                result.AddRange(Enumerable.Repeat("\uFFFD", pending.Count));
            }

            pending.Clear();
        }

        foreach (var token in tokens)
        {
            if (TryParseByteToken(token, out var value))
            {
                pending.Add(value);
                continue;
            }

            Flush();
            result.Add(token);
        }

        Flush();
        return result;
    }

    /// <summary>"&lt;0xXX&gt;" with two hex digits of either case, as Hugging Face parses it.</summary>
    private static bool TryParseByteToken(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static string Strip(string token, string content, int start, int stop)
    {
        var c = content.Length > 0 ? content[0] : ' ';
        var from = 0;
        while (from < start && from < token.Length && token[from] == c)
        {
            from++;
        }

        var to = token.Length;
        for (var i = 0; i < stop && to > from && token[to - 1] == c; i++)
        {
            to--;
        }

        return token[from..to];
    }
}
