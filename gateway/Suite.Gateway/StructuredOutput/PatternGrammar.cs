using System.Globalization;
using System.Text;

namespace Suite.Gateway.StructuredOutput;

/// <summary>
/// A JSON-schema <c>pattern</c> as a GBNF rule body, following llama.cpp's <c>_visit_pattern</c>: the pattern must be
/// anchored (<c>^…$</c>); literals, <c>.</c>, groups (plain and <c>(?:…)</c>), alternation, character classes and the
/// quantifiers <c>* + ? {n} {n,} {n,m}</c> are converted. Where llama.cpp would pass something through that either
/// fails to parse as GBNF or lets the model write invalid JSON (a bare quote or backslash inside the string), this
/// refuses instead: every pattern it accepts is enforced exactly or more narrowly (<c>.</c> and negated classes never
/// match a quote, a backslash or a control character, which JSON would have to escape). Beyond llama.cpp it knows
/// <c>\d</c>, <c>\w</c> and <c>\s</c>.
/// </summary>
internal sealed class PatternGrammar(string pattern, string name, Func<string, string, string> addRule)
{
    private const string NonLiteral = "|.()[]{}*+?";
    private const string EscapedInRegexOnly = "^$.[]()|{}*+?";
    private const string JsonUnsafeInClass = "\"\\\\\\x00-\\x1F\\x7F";

    private readonly Dictionary<string, string> _subRules = new(StringComparer.Ordinal);
    private string _sub = string.Empty;
    private int _i;

    /// <summary>The rule body: a JSON string whose content matches the pattern.</summary>
    public string Convert()
    {
        if (pattern.Length < 2 || pattern[0] != '^' || pattern[^1] != '$')
        {
            throw Unsupported("it must start with '^' and end with '$' (the pattern must match the whole string)");
        }

        _sub = pattern[1..^1];
        _i = 0;
        var body = Transform(topLevel: true);
        return "\"\\\"\" (" + body.ToRule() + ") \"\\\"\" space";
    }

    private Piece Transform(bool topLevel)
    {
        var seq = new List<Piece>();
        while (_i < _sub.Length)
        {
            var c = _sub[_i];
            if (c == '.')
            {
                seq.Add(new Piece(addRule("dot", "[^" + JsonUnsafeInClass + "]"), false));
                _i++;
            }
            else if (c == '(')
            {
                _i++;
                if (_i < _sub.Length && _sub[_i] == '?')
                {
                    if (_i + 1 < _sub.Length && _sub[_i + 1] == ':')
                    {
                        _i += 2;
                    }
                    else
                    {
                        throw Unsupported("lookarounds and other '(?' groups cannot be converted");
                    }
                }

                seq.Add(new Piece("(" + Transform(topLevel: false).ToRule() + ")", false));
            }
            else if (c == ')')
            {
                if (topLevel)
                {
                    throw Unsupported("unbalanced parentheses");
                }

                _i++;
                return Join(seq);
            }
            else if (c == '[')
            {
                seq.Add(new Piece(CharacterClass(), false));
            }
            else if (c == '|')
            {
                seq.Add(new Piece("|", false));
                _i++;
            }
            else if (c is '*' or '+' or '?')
            {
                if (seq.Count == 0 || seq[^1].Text == "|")
                {
                    throw Unsupported($"'{c}' has nothing to repeat");
                }

                seq[^1] = new Piece(seq[^1].ToRule() + c, false);
                _i++;
            }
            else if (c == '{')
            {
                if (seq.Count == 0 || seq[^1].Text == "|")
                {
                    throw Unsupported("'{' has nothing to repeat");
                }

                var close = _sub.IndexOf('}', _i);
                if (close < 0)
                {
                    throw Unsupported("unbalanced curly brackets");
                }

                var (min, max) = Repetition(_sub[(_i + 1)..close]);
                _i = close + 1;
                var last = seq[^1];
                var item = last.IsLiteral ? "\"" + last.Text + "\"" : SubRule(last.Text);
                seq[^1] = new Piece(GbnfText.BuildRepetition(item, min, max), false);
            }
            else if (c == '\\' && _i + 1 < _sub.Length && ClassShorthand(_sub[_i + 1]) is { } shorthand)
            {
                seq.Add(new Piece("[" + shorthand + "]", false));
                _i += 2;
            }
            else
            {
                var literal = new StringBuilder();
                while (_i < _sub.Length)
                {
                    var ch = _sub[_i];
                    if (ch == '\\')
                    {
                        if (_i + 1 >= _sub.Length)
                        {
                            throw Unsupported("it ends with a lone backslash");
                        }

                        var next = _sub[_i + 1];
                        if (ClassShorthand(next) is not null)
                        {
                            break;
                        }

                        literal.Append(LiteralEscape(next));
                        _i += 2;
                    }
                    else if (ch is '"' or '\\' || ch < 0x20 || ch == 0x7F)
                    {
                        throw Unsupported("a quote, backslash or control character would have to be escaped inside the JSON string");
                    }
                    else if (!NonLiteral.Contains(ch, StringComparison.Ordinal)
                        && (_i == _sub.Length - 1 || literal.Length == 0 || _sub[_i + 1] == '.' || !NonLiteral.Contains(_sub[_i + 1], StringComparison.Ordinal)))
                    {
                        literal.Append(ch);
                        _i++;
                    }
                    else
                    {
                        break;
                    }
                }

                if (literal.Length > 0)
                {
                    seq.Add(new Piece(literal.ToString(), true));
                }
            }
        }

        if (!topLevel)
        {
            throw Unsupported("unbalanced parentheses");
        }

        return Join(seq);
    }

    private string CharacterClass()
    {
        var text = new StringBuilder("[");
        _i++;
        var negated = _i < _sub.Length && _sub[_i] == '^';
        if (negated)
        {
            text.Append('^');
            _i++;
        }

        var empty = true;
        while (_i < _sub.Length && _sub[_i] != ']')
        {
            var c = _sub[_i];
            empty = false;
            if (c == '\\')
            {
                if (_i + 1 >= _sub.Length)
                {
                    throw Unsupported("unbalanced square brackets");
                }

                var next = _sub[_i + 1];
                if (ClassShorthand(next) is { } shorthand)
                {
                    if (negated)
                    {
                        throw Unsupported($"'\\{next}' inside a negated character class cannot be converted");
                    }

                    text.Append(shorthand);
                }
                else
                {
                    var escaped = LiteralEscape(next);
                    text.Append(escaped is "\\\"" or "\\\\" ? throw Unsupported("a quote or backslash in a character class would have to be escaped inside the JSON string") : ClassEscape(escaped));
                }

                _i += 2;
            }
            else if (c is '"' or '\\' || c < 0x20 || c == 0x7F)
            {
                throw Unsupported("a quote, backslash or control character would have to be escaped inside the JSON string");
            }
            else
            {
                text.Append(c);
                _i++;
            }
        }

        if (_i >= _sub.Length)
        {
            throw Unsupported("unbalanced square brackets");
        }

        if (empty)
        {
            throw Unsupported("an empty character class matches nothing");
        }

        _i++;
        if (negated)
        {
            // A negated class must not let the model write what JSON escapes.
            text.Append(JsonUnsafeInClass);
        }

        return text.Append(']').ToString();
    }

    /// <summary>What an escaped regex character becomes inside a GBNF literal.</summary>
    private string LiteralEscape(char next)
    {
        if (EscapedInRegexOnly.Contains(next, StringComparison.Ordinal) || next is '/' or '-' or ',' or ':' or '#' or '&' or '~' or '=' or '!' or '<' or '>' or '@' or '%' or '\'' or ';' or '`' or ' ')
        {
            return next.ToString();
        }

        return next switch
        {
            't' => "\\t",
            'n' => "\\n",
            'r' => "\\r",
            _ => throw Unsupported($"the escape '\\{next}' cannot be converted"),
        };
    }

    /// <summary>A literal character inside a GBNF class: ']', '[', '-' and '^' written as hex escapes.</summary>
    private static string ClassEscape(string literal)
        => literal.Length == 1 && literal[0] is ']' or '[' or '-' or '^'
            ? "\\x" + ((int)literal[0]).ToString("X2", CultureInfo.InvariantCulture)
            : literal;

    private static string? ClassShorthand(char c) => c switch
    {
        'd' => "0-9",
        'w' => "a-zA-Z0-9_",
        's' => " \\t\\n\\r",
        _ => null,
    };

    private (int Min, int Max) Repetition(string inside)
    {
        var parts = inside.Split(',');
        static int? Number(string s) => s.Length == 0 ? null
            : int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException();
        try
        {
            if (parts.Length == 1)
            {
                var n = Number(parts[0]) ?? throw new FormatException();
                return (n, n);
            }

            if (parts.Length == 2)
            {
                var min = Number(parts[0]) ?? 0;
                var max = Number(parts[1]) ?? int.MaxValue;
                return min > max ? throw Unsupported($"the repetition {{{inside}}} has its minimum above its maximum") : (min, max);
            }
        }
        catch (FormatException)
        {
        }

        throw Unsupported($"the repetition {{{inside}}} is not of the form {{n}}, {{n,}} or {{n,m}}");
    }

    private string SubRule(string body)
    {
        if (!_subRules.TryGetValue(body, out var id))
        {
            id = addRule(name + "-" + (_subRules.Count + 1).ToString(CultureInfo.InvariantCulture), body);
            _subRules[body] = id;
        }

        return id;
    }

    /// <summary>Joins a sequence, merging consecutive literals.</summary>
    private static Piece Join(List<Piece> seq)
    {
        var parts = new List<string>();
        var literal = new StringBuilder();
        foreach (var piece in seq)
        {
            if (piece.IsLiteral)
            {
                literal.Append(piece.Text);
                continue;
            }

            if (literal.Length > 0)
            {
                parts.Add("\"" + literal + "\"");
                literal.Clear();
            }

            parts.Add(piece.Text);
        }

        if (literal.Length > 0)
        {
            parts.Add("\"" + literal + "\"");
        }

        return new Piece(string.Join(' ', parts), false);
    }

    private SchemaNotSupportedException Unsupported(string why)
        => new($"The pattern '{pattern}' cannot be enforced: {why}.");

    private readonly record struct Piece(string Text, bool IsLiteral)
    {
        public string ToRule() => IsLiteral ? "\"" + Text + "\"" : Text;
    }
}
