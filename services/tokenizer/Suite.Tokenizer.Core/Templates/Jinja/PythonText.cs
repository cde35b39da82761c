using System.Globalization;
using System.Text;

namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>Python's str semantics that chat templates rely on (strip, split, title, str() of numbers).</summary>
public static class PythonText
{
    /// <summary>Python's str.isspace for one character (Unicode whitespace plus the \x1c-\x1f separators).</summary>
    public static bool IsSpace(char c) => c switch
    {
        >= '\t' and <= '\r' => true,
        >= '\x1c' and <= ' ' => true,
        '\x85' or '\xa0' or '\u1680' or '\u2028' or '\u2029' or '\u202f' or '\u205f' or '\u3000' => true,
        >= '\u2000' and <= '\u200a' => true,
        _ => false,
    };

    public static string Strip(string text, string? chars) => StripEnd(StripStart(text, chars), chars);

    public static string StripStart(string text, string? chars)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = 0;
        while (start < text.Length && Strippable(text[start], chars))
        {
            start++;
        }

        return text[start..];
    }

    public static string StripEnd(string text, string? chars)
    {
        ArgumentNullException.ThrowIfNull(text);
        var end = text.Length;
        while (end > 0 && Strippable(text[end - 1], chars))
        {
            end--;
        }

        return text[..end];
    }

    /// <summary>str.split(sep, maxsplit): with no separator, runs of whitespace split and ends are ignored.</summary>
    public static List<object?> Split(string text, string? separator, long maxSplit)
    {
        var parts = new List<object?>();
        if (separator is null)
        {
            var i = 0;
            while (true)
            {
                while (i < text.Length && IsSpace(text[i]))
                {
                    i++;
                }

                if (i >= text.Length)
                {
                    return parts;
                }

                if (maxSplit >= 0 && parts.Count >= maxSplit)
                {
                    parts.Add(StripEnd(text[i..], null));
                    return parts;
                }

                var start = i;
                while (i < text.Length && !IsSpace(text[i]))
                {
                    i++;
                }

                parts.Add(text[start..i]);
            }
        }

        if (separator.Length == 0)
        {
            throw new JinjaRuntimeException("empty separator");
        }

        var position = 0;
        while (maxSplit < 0 || parts.Count < maxSplit)
        {
            var found = text.IndexOf(separator, position, StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            parts.Add(text[position..found]);
            position = found + separator.Length;
        }

        parts.Add(text[position..]);
        return parts;
    }

    /// <summary>str.rsplit(sep, maxsplit) with a separator.</summary>
    public static List<object?> RSplit(string text, string separator, long maxSplit)
    {
        if (maxSplit < 0)
        {
            return Split(text, separator, -1);
        }

        var parts = new List<object?>();
        var end = text.Length;
        while (parts.Count < maxSplit)
        {
            var found = end == 0 ? -1 : text.LastIndexOf(separator, end - 1, StringComparison.Ordinal);
            if (found < 0 || found + separator.Length > end)
            {
                break;
            }

            parts.Insert(0, text[(found + separator.Length)..end]);
            end = found;
        }

        parts.Insert(0, text[..end]);
        return parts;
    }

    /// <summary>str.title: the first cased letter of each run of letters upper, the rest lower.</summary>
    public static string Title(string text)
    {
        var builder = new StringBuilder(text.Length);
        var previousCased = false;
        foreach (var c in text)
        {
            builder.Append(previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousCased = char.IsLetter(c);
        }

        return builder.ToString();
    }

    /// <summary>str.capitalize: first character upper, the rest lower.</summary>
    public static string Capitalize(string text) =>
        text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..].ToLowerInvariant();

    /// <summary>Python's repr of a float: the shortest text that reads back exactly, always with a '.' or exponent.</summary>
    public static string FloatRepr(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var e = r.IndexOf('E', StringComparison.Ordinal);
        var exponent = e < 0 ? 0 : int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? r : r[..e];
        var negative = mantissa.StartsWith('-');
        var digits = mantissa.TrimStart('-').Replace(".", string.Empty, StringComparison.Ordinal);
        var point = mantissa.TrimStart('-').IndexOf('.', StringComparison.Ordinal);
        var decimalExponent = (point < 0 ? mantissa.TrimStart('-').Length : point) + exponent;

        // Normalise to digits d1d2... with the decimal point after decimalExponent digits, as Python's repr does.
        var leading = digits.TakeWhile(c => c == '0').Count();
        if (leading == digits.Length)
        {
            return negative ? "-0.0" : "0.0";
        }

        digits = digits[leading..].TrimEnd('0');
        decimalExponent -= leading;
        var sign = negative ? "-" : string.Empty;
        if (decimalExponent is > -4 and <= 16)
        {
            if (decimalExponent <= 0)
            {
                return sign + "0." + new string('0', -decimalExponent) + digits;
            }

            return decimalExponent >= digits.Length
                ? sign + digits + new string('0', decimalExponent - digits.Length) + ".0"
                : sign + digits[..decimalExponent] + "." + digits[decimalExponent..];
        }

        var exp = decimalExponent - 1;
        var body = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
        return sign + body + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>Python's repr of a string: single quotes unless it holds one and no double quote.</summary>
    public static string Repr(string text)
    {
        var quote = text.Contains('\'') && !text.Contains('"') ? '"' : '\'';
        var builder = new StringBuilder(text.Length + 2).Append(quote);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c == quote)
                    {
                        builder.Append('\\').Append(c);
                    }
                    else if (c < ' ' || c == '\x7f')
                    {
                        builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append(quote).ToString();
    }

    private static bool Strippable(char c, string? chars) => chars is null ? IsSpace(c) : chars.Contains(c);
}
