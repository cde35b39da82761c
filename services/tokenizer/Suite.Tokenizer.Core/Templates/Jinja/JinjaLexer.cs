using System.Globalization;
using System.Text;

namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>
/// Splits a template into text and tag tokens the way transformers configures Jinja for chat templates:
/// <c>trim_blocks</c> (the newline after a block or comment tag is dropped), <c>lstrip_blocks</c> (spaces and tabs
/// before a block or comment tag at the start of a line are dropped), <c>-</c> whitespace control, one trailing
/// newline of the template dropped, <c>{% raw %}</c> kept verbatim, and transformers' <c>{% generation %}</c> tags
/// removed.
/// </summary>
public static class JinjaLexer
{
    private static readonly string[] _operators =
        ["**", "//", "==", "!=", "<=", ">=", "+", "-", "~", "*", "/", "%", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|"];

    public static List<JinjaToken> Tokenize(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var source = template.EndsWith('\n') ? template[..^1] : template;
        var tokens = new List<JinjaToken>();
        var position = 0;
        var line = 1;
        var stripNextText = false;
        var trimNextNewline = false;
        while (position < source.Length)
        {
            var open = FindTagOpen(source, position);
            var text = source[position..(open < 0 ? source.Length : open)];
            var textStart = position;
            if (trimNextNewline && text.StartsWith('\n'))
            {
                text = text[1..];
                textStart++;
            }
            else if (trimNextNewline && text.StartsWith("\r\n", StringComparison.Ordinal))
            {
                text = text[2..];
                textStart += 2;
            }

            if (stripNextText)
            {
                text = PythonText.StripStart(text, null);
            }

            if (open < 0)
            {
                AddText(tokens, text, line);
                break;
            }

            var kind = source[open + 1];
            var modifier = open + 2 < source.Length ? source[open + 2] : '\0';
            if (modifier == '-')
            {
                text = PythonText.StripEnd(text, null);
            }
            else if (kind != '{' && modifier != '+')
            {
                text = LStripBlock(text, textStart == 0 || source[textStart - 1] == '\n');
            }

            AddText(tokens, text, line);
            line += Count(source, position, open);
            position = open + 2 + (modifier is '-' or '+' ? 1 : 0);
            if (kind == '#')
            {
                var close = source.IndexOf("#}", position, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw new JinjaSyntaxException($"line {line}: the comment is never closed.");
                }

                stripNextText = close > position && source[close - 1] == '-';
                trimNextNewline = !stripNextText && !(close > position && source[close - 1] == '+');
                line += Count(source, position, close);
                position = close + 2;
                continue;
            }

            var isBlock = kind == '%';
            if (isBlock && TryReadRaw(source, ref position, ref line, tokens, out stripNextText, out trimNextNewline))
            {
                continue;
            }

            tokens.Add(new JinjaToken(isBlock ? JinjaTokenKind.BlockStart : JinjaTokenKind.VariableStart, isBlock ? "{%" : "{{", line));
            (stripNextText, trimNextNewline) = ReadTag(source, ref position, ref line, isBlock, tokens);
        }

        tokens.Add(new JinjaToken(JinjaTokenKind.End, string.Empty, line));
        return RemoveGenerationTags(tokens);
    }

    private static int FindTagOpen(string source, int start)
    {
        for (var i = source.IndexOf('{', start); i >= 0 && i + 1 < source.Length; i = source.IndexOf('{', i + 1))
        {
            if (source[i + 1] is '{' or '%' or '#')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>lstrip_blocks: spaces and tabs before a tag go when only they stand between the start of its line and it.</summary>
    private static string LStripBlock(string text, bool lineStarting)
    {
        var end = text.Length;
        while (end > 0 && text[end - 1] is ' ' or '\t')
        {
            end--;
        }

        return (end == 0 && lineStarting) || (end > 0 && text[end - 1] == '\n') ? text[..end] : text;
    }

    private static (bool StripNext, bool TrimNewline) ReadTag(string source, ref int position, ref int line, bool isBlock, List<JinjaToken> tokens)
    {
        var close = isBlock ? "%}" : "}}";
        var depth = 0;
        while (true)
        {
            while (position < source.Length && char.IsWhiteSpace(source[position]))
            {
                line += source[position] == '\n' ? 1 : 0;
                position++;
            }

            if (position >= source.Length)
            {
                throw new JinjaSyntaxException($"line {line}: a tag is never closed.");
            }

            var c = source[position];
            if (depth == 0 && (c is '-' or '+') && string.CompareOrdinal(source, position + 1, close, 0, 2) == 0)
            {
                tokens.Add(new JinjaToken(isBlock ? JinjaTokenKind.BlockEnd : JinjaTokenKind.VariableEnd, close, line));
                position += 3;
                return (c == '-', isBlock && c != '+');
            }

            if (depth == 0 && string.CompareOrdinal(source, position, close, 0, 2) == 0)
            {
                tokens.Add(new JinjaToken(isBlock ? JinjaTokenKind.BlockEnd : JinjaTokenKind.VariableEnd, close, line));
                position += 2;
                return (false, isBlock);
            }

            if (c is '\'' or '"')
            {
                tokens.Add(new JinjaToken(JinjaTokenKind.String, ReadString(source, ref position, ref line), line));
            }
            else if (char.IsAsciiDigit(c))
            {
                tokens.Add(ReadNumber(source, ref position, line));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = position;
                while (position < source.Length && (char.IsLetterOrDigit(source[position]) || source[position] == '_'))
                {
                    position++;
                }

                tokens.Add(new JinjaToken(JinjaTokenKind.Name, source[start..position], line));
            }
            else
            {
                var at = position;
                var op = _operators.FirstOrDefault(o => string.CompareOrdinal(source, at, o, 0, o.Length) == 0)
                    ?? throw new JinjaSyntaxException($"line {line}: unexpected character '{c}'.");
                depth += op is "(" or "[" or "{" ? 1 : op is ")" or "]" or "}" ? -1 : 0;
                tokens.Add(new JinjaToken(JinjaTokenKind.Operator, op, line));
                position += op.Length;
            }
        }
    }

    private static JinjaToken ReadNumber(string source, ref int position, int line)
    {
        var start = position;
        while (position < source.Length && (char.IsAsciiDigit(source[position]) || source[position] == '_'))
        {
            position++;
        }

        var isFloat = false;
        if (position + 1 < source.Length && source[position] == '.' && char.IsAsciiDigit(source[position + 1]))
        {
            isFloat = true;
            position++;
            while (position < source.Length && char.IsAsciiDigit(source[position]))
            {
                position++;
            }
        }

        if (position < source.Length && source[position] is 'e' or 'E')
        {
            var exponent = position + 1;
            if (exponent < source.Length && source[exponent] is '+' or '-')
            {
                exponent++;
            }

            if (exponent < source.Length && char.IsAsciiDigit(source[exponent]))
            {
                isFloat = true;
                position = exponent;
                while (position < source.Length && char.IsAsciiDigit(source[position]))
                {
                    position++;
                }
            }
        }

        return new JinjaToken(isFloat ? JinjaTokenKind.Float : JinjaTokenKind.Integer, source[start..position].Replace("_", string.Empty, StringComparison.Ordinal), line);
    }

    /// <summary>A quoted string with Python's escapes; an unknown escape keeps its backslash, as Python does.</summary>
    private static string ReadString(string source, ref int position, ref int line)
    {
        var quote = source[position++];
        var text = new StringBuilder();
        while (true)
        {
            if (position >= source.Length)
            {
                throw new JinjaSyntaxException($"line {line}: a string is never closed.");
            }

            var c = source[position++];
            if (c == quote)
            {
                return text.ToString();
            }

            line += c == '\n' ? 1 : 0;
            if (c != '\\' || position >= source.Length)
            {
                text.Append(c);
                continue;
            }

            var e = source[position++];
            switch (e)
            {
                case 'n': text.Append('\n'); break;
                case 't': text.Append('\t'); break;
                case 'r': text.Append('\r'); break;
                case 'b': text.Append('\b'); break;
                case 'f': text.Append('\f'); break;
                case 'v': text.Append('\v'); break;
                case 'a': text.Append('\a'); break;
                case '0': text.Append('\0'); break;
                case '\\' or '\'' or '"': text.Append(e); break;
                case '\n': line++; break;
                case 'x' or 'u' or 'U':
                    var digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (position + digits > source.Length
                        || !int.TryParse(source.AsSpan(position, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw new JinjaSyntaxException($"line {line}: bad \\{e} escape in a string.");
                    }

                    text.Append(char.ConvertFromUtf32(code));
                    position += digits;
                    break;
                default:
                    text.Append('\\').Append(e);
                    break;
            }
        }
    }

    /// <summary>{% raw %}...{% endraw %}: the text between is output verbatim.</summary>
    private static bool TryReadRaw(string source, ref int position, ref int line, List<JinjaToken> tokens, out bool stripNext, out bool trimNewline)
    {
        stripNext = false;
        trimNewline = false;
        var probe = position;
        while (probe < source.Length && char.IsWhiteSpace(source[probe]))
        {
            probe++;
        }

        if (string.CompareOrdinal(source, probe, "raw", 0, 3) != 0 || (probe + 3 < source.Length && char.IsLetterOrDigit(source[probe + 3])))
        {
            return false;
        }

        var close = source.IndexOf("%}", probe, StringComparison.Ordinal);
        var end = close < 0 ? -1 : source.IndexOf("endraw", close, StringComparison.Ordinal);
        var endOpen = end < 0 ? -1 : source.LastIndexOf("{%", end, StringComparison.Ordinal);
        var endClose = end < 0 ? -1 : source.IndexOf("%}", end, StringComparison.Ordinal);
        if (close < 0 || endOpen < close || endClose < 0)
        {
            throw new JinjaSyntaxException($"line {line}: {{% raw %}} is never closed with {{% endraw %}}.");
        }

        var body = source[(close + 2)..endOpen];
        if (source[close - 1] == '-')
        {
            body = PythonText.StripStart(body, null);
        }

        if (source[endOpen + 2] == '-')
        {
            body = PythonText.StripEnd(body, null);
        }

        AddText(tokens, body, line);
        line += Count(source, position, endClose);
        stripNext = source[endClose - 1] == '-';
        trimNewline = !stripNext && source[endClose - 1] != '+';
        position = endClose + 2;
        return true;
    }

    /// <summary>transformers' {% generation %} / {% endgeneration %} only mark assistant text for training masks.</summary>
    private static List<JinjaToken> RemoveGenerationTags(List<JinjaToken> tokens)
    {
        var result = new List<JinjaToken>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Kind == JinjaTokenKind.BlockStart && i + 2 < tokens.Count
                && (tokens[i + 1].IsName("generation") || tokens[i + 1].IsName("endgeneration"))
                && tokens[i + 2].Kind == JinjaTokenKind.BlockEnd)
            {
                i += 2;
                continue;
            }

            result.Add(tokens[i]);
        }

        return result;
    }

    private static void AddText(List<JinjaToken> tokens, string text, int line)
    {
        if (text.Length > 0)
        {
            tokens.Add(new JinjaToken(JinjaTokenKind.Text, text, line));
        }
    }

    private static int Count(string source, int from, int to)
    {
        var lines = 0;
        for (var i = from; i < to; i++)
        {
            lines += source[i] == '\n' ? 1 : 0;
        }

        return lines;
    }
}
