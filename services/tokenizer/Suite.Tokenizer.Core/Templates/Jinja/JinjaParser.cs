using Suite.Tokenizer.Core.Templates.Jinja.Ast;

namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>
/// Parses lexed tokens into statements, following Jinja2's grammar and operator precedence. Every construct this
/// interpreter lacks (an unknown statement, filter, test or method) is refused here, at load time, naming it and its line.
/// </summary>
public sealed partial class JinjaParser
{
    private static readonly HashSet<string> _statements = new(StringComparer.Ordinal) { "if", "for", "set", "macro", "filter", "break", "continue" };

    private readonly List<JinjaToken> _tokens;
    private readonly HashSet<string> _macros = new(StringComparer.Ordinal);
    private readonly List<(string Name, int Line)> _calledNames = [];
    private int _position;

    private JinjaParser(List<JinjaToken> tokens)
    {
        _tokens = tokens;
    }

    /// <summary>The parsed template; throws <see cref="JinjaSyntaxException"/> for what cannot be parsed or is unsupported.</summary>
    public static IReadOnlyList<JinjaStatement> Parse(string template)
    {
        var parser = new JinjaParser(JinjaLexer.Tokenize(template));
        var body = parser.ParseBody([]);
        parser.Expect(JinjaTokenKind.End);
        foreach (var (name, line) in parser._calledNames)
        {
            if (!parser._macros.Contains(name) && !JinjaGlobals.Names.Contains(name))
            {
                throw new JinjaSyntaxException($"line {line}: the function '{name}()' is not supported (no such global or macro).");
            }
        }

        return body;
    }

    private JinjaToken Current => _tokens[_position];

    private JinjaToken Peek(int ahead = 1) => _tokens[Math.Min(_position + ahead, _tokens.Count - 1)];

    /// <summary>Statements until one of the <paramref name="terminators"/> block tags (left unconsumed) or the end.</summary>
    private List<JinjaStatement> ParseBody(HashSet<string> terminators)
    {
        var body = new List<JinjaStatement>();
        while (Current.Kind != JinjaTokenKind.End)
        {
            switch (Current.Kind)
            {
                case JinjaTokenKind.Text:
                    body.Add(new TextStatement(Current.Value));
                    _position++;
                    break;
                case JinjaTokenKind.VariableStart:
                    _position++;
                    body.Add(new OutputStatement(ParseExpression()));
                    Expect(JinjaTokenKind.VariableEnd);
                    break;
                case JinjaTokenKind.BlockStart:
                    var keyword = Peek();
                    if (keyword.Kind == JinjaTokenKind.Name && terminators.Contains(keyword.Value))
                    {
                        return body;
                    }

                    _position++;
                    body.Add(ParseStatement());
                    break;
                default:
                    throw Error(Current, $"unexpected '{Current.Value}'");
            }
        }

        if (terminators.Count > 0)
        {
            throw Error(Current, $"the template ended before {{% {string.Join(" / ", terminators)} %}}");
        }

        return body;
    }

    private JinjaStatement ParseStatement()
    {
        var keyword = Expect(JinjaTokenKind.Name);
        if (!_statements.Contains(keyword.Value))
        {
            throw Error(keyword, $"the statement {{% {keyword.Value} %}} is not supported (supported: {string.Join(", ", _statements)})");
        }

        return keyword.Value switch
        {
            "if" => ParseIf(),
            "for" => ParseFor(),
            "set" => ParseSet(),
            "macro" => ParseMacro(),
            "filter" => ParseFilterBlock(),
            "break" => EndTag(new LoopControlStatement(JinjaFlow.Break)),
            _ => EndTag(new LoopControlStatement(JinjaFlow.Continue)),
        };
    }

    private JinjaStatement EndTag(JinjaStatement statement)
    {
        Expect(JinjaTokenKind.BlockEnd);
        return statement;
    }

    private IfStatement ParseIf()
    {
        var branches = new List<(JinjaExpression, IReadOnlyList<JinjaStatement>)>();
        var condition = ParseExpression();
        Expect(JinjaTokenKind.BlockEnd);
        var terminators = new HashSet<string>(StringComparer.Ordinal) { "elif", "else", "endif" };
        while (true)
        {
            branches.Add((condition, ParseBody(terminators)));
            Expect(JinjaTokenKind.BlockStart);
            var tag = Expect(JinjaTokenKind.Name);
            if (tag.Value == "elif")
            {
                condition = ParseExpression();
                Expect(JinjaTokenKind.BlockEnd);
                continue;
            }

            List<JinjaStatement> otherwise = [];
            if (tag.Value == "else")
            {
                Expect(JinjaTokenKind.BlockEnd);
                otherwise = ParseBody(["endif"]);
                Expect(JinjaTokenKind.BlockStart);
                Expect(JinjaTokenKind.Name, "endif");
            }

            Expect(JinjaTokenKind.BlockEnd);
            return new IfStatement(branches, otherwise);
        }
    }

    private ForStatement ParseFor()
    {
        var targets = ParseTargetNames();
        Expect(JinjaTokenKind.Name, "in");
        var iterable = ParseExpression(allowConditional: false);
        JinjaExpression? filter = null;
        if (Current.IsName("if"))
        {
            _position++;
            filter = ParseExpression(allowConditional: false);
        }

        if (Current.IsName("recursive"))
        {
            throw Error(Current, "recursive for loops are not supported");
        }

        Expect(JinjaTokenKind.BlockEnd);
        var body = ParseBody(["else", "endfor"]);
        Expect(JinjaTokenKind.BlockStart);
        List<JinjaStatement> otherwise = [];
        if (Expect(JinjaTokenKind.Name).Value == "else")
        {
            Expect(JinjaTokenKind.BlockEnd);
            otherwise = ParseBody(["endfor"]);
            Expect(JinjaTokenKind.BlockStart);
            Expect(JinjaTokenKind.Name, "endfor");
        }

        Expect(JinjaTokenKind.BlockEnd);
        return new ForStatement(targets, iterable, filter, body, otherwise);
    }

    private JinjaStatement ParseSet()
    {
        var first = Expect(JinjaTokenKind.Name);
        if (Current.IsOperator("."))
        {
            _position++;
            var attribute = Expect(JinjaTokenKind.Name).Value;
            Expect(JinjaTokenKind.Operator, "=");
            var value = ParseTupleOrExpression();
            Expect(JinjaTokenKind.BlockEnd);
            return new SetStatement([first.Value], attribute, value);
        }

        var targets = new List<string> { first.Value };
        while (Current.IsOperator(","))
        {
            _position++;
            targets.Add(Expect(JinjaTokenKind.Name).Value);
        }

        if (Current.IsOperator("="))
        {
            _position++;
            var value = ParseTupleOrExpression();
            Expect(JinjaTokenKind.BlockEnd);
            return new SetStatement(targets, null, value);
        }

        var filters = new List<FilterExpression>();
        while (Current.IsOperator("|"))
        {
            _position++;
            filters.Add(ParseFilter(new ConstantExpression(null)));
        }

        Expect(JinjaTokenKind.BlockEnd);
        var body = ParseBody(["endset"]);
        Expect(JinjaTokenKind.BlockStart);
        Expect(JinjaTokenKind.Name, "endset");
        Expect(JinjaTokenKind.BlockEnd);
        return new SetBlockStatement(targets[0], filters, body);
    }

    private MacroStatement ParseMacro()
    {
        var name = Expect(JinjaTokenKind.Name).Value;
        _macros.Add(name);
        Expect(JinjaTokenKind.Operator, "(");
        var parameters = new List<(string, JinjaExpression?)>();
        while (!Current.IsOperator(")"))
        {
            var parameter = Expect(JinjaTokenKind.Name).Value;
            JinjaExpression? fallback = null;
            if (Current.IsOperator("="))
            {
                _position++;
                fallback = ParseExpression();
            }

            parameters.Add((parameter, fallback));
            if (!Current.IsOperator(","))
            {
                break;
            }

            _position++;
        }

        Expect(JinjaTokenKind.Operator, ")");
        Expect(JinjaTokenKind.BlockEnd);
        var body = ParseBody(["endmacro"]);
        Expect(JinjaTokenKind.BlockStart);
        Expect(JinjaTokenKind.Name, "endmacro");
        Expect(JinjaTokenKind.BlockEnd);
        return new MacroStatement(name, parameters, body);
    }

    private FilterBlockStatement ParseFilterBlock()
    {
        var filters = new List<FilterExpression> { ParseFilter(new ConstantExpression(null)) };
        while (Current.IsOperator("|"))
        {
            _position++;
            filters.Add(ParseFilter(new ConstantExpression(null)));
        }

        Expect(JinjaTokenKind.BlockEnd);
        var body = ParseBody(["endfilter"]);
        Expect(JinjaTokenKind.BlockStart);
        Expect(JinjaTokenKind.Name, "endfilter");
        Expect(JinjaTokenKind.BlockEnd);
        return new FilterBlockStatement(filters, body);
    }

    private List<string> ParseTargetNames()
    {
        var parenthesized = Current.IsOperator("(");
        if (parenthesized)
        {
            _position++;
        }

        var names = new List<string> { Expect(JinjaTokenKind.Name).Value };
        while (Current.IsOperator(","))
        {
            _position++;
            names.Add(Expect(JinjaTokenKind.Name).Value);
        }

        if (parenthesized)
        {
            Expect(JinjaTokenKind.Operator, ")");
        }

        return names;
    }

    private JinjaToken Expect(JinjaTokenKind kind, string? value = null)
    {
        var token = Current;
        if (token.Kind != kind || (value is not null && token.Value != value))
        {
            throw Error(token, $"expected {value ?? kind.ToString()}, found '{(token.Kind == JinjaTokenKind.End ? "end of template" : token.Value)}'");
        }

        _position++;
        return token;
    }

    private static JinjaSyntaxException Error(JinjaToken token, string message) => new($"line {token.Line}: {message}.");
}
