using System.Globalization;
using Suite.Tokenizer.Core.Templates.Jinja.Ast;

namespace Suite.Tokenizer.Core.Templates.Jinja;

public sealed partial class JinjaParser
{
    private static readonly HashSet<string> _comparisons = new(StringComparer.Ordinal) { "==", "!=", "<", "<=", ">", ">=" };

    /// <summary><c>a, b</c> without brackets is a tuple (in {% set %}).</summary>
    private JinjaExpression ParseTupleOrExpression()
    {
        var first = ParseExpression();
        if (!Current.IsOperator(","))
        {
            return first;
        }

        var items = new List<JinjaExpression> { first };
        while (Current.IsOperator(","))
        {
            _position++;
            items.Add(ParseExpression());
        }

        return new ListExpression(items, tuple: true);
    }

    private JinjaExpression ParseExpression(bool allowConditional = true)
    {
        var expression = ParseOr();
        while (allowConditional && Current.IsName("if"))
        {
            _position++;
            var condition = ParseOr();
            JinjaExpression? otherwise = null;
            if (Current.IsName("else"))
            {
                _position++;
                otherwise = ParseExpression();
            }

            expression = new ConditionalExpression(condition, expression, otherwise);
        }

        return expression;
    }

    private JinjaExpression ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsName("or"))
        {
            _position++;
            left = new BinaryExpression("or", left, ParseAnd());
        }

        return left;
    }

    private JinjaExpression ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsName("and"))
        {
            _position++;
            left = new BinaryExpression("and", left, ParseNot());
        }

        return left;
    }

    private JinjaExpression ParseNot()
    {
        if (Current.IsName("not"))
        {
            _position++;
            return new UnaryExpression("not", ParseNot());
        }

        return ParseCompare();
    }

    private JinjaExpression ParseCompare()
    {
        var first = ParseMath1();
        var rest = new List<(string, JinjaExpression)>();
        while (true)
        {
            if (Current.Kind == JinjaTokenKind.Operator && _comparisons.Contains(Current.Value))
            {
                var op = Current.Value;
                _position++;
                rest.Add((op, ParseMath1()));
            }
            else if (Current.IsName("in"))
            {
                _position++;
                first = Chain(first, rest);
                rest.Clear();
                first = new BinaryExpression("in", first, ParseMath1());
            }
            else if (Current.IsName("not") && Peek().IsName("in"))
            {
                _position += 2;
                first = Chain(first, rest);
                rest.Clear();
                first = new BinaryExpression("not in", first, ParseMath1());
            }
            else
            {
                return Chain(first, rest);
            }
        }
    }

    private static JinjaExpression Chain(JinjaExpression first, List<(string, JinjaExpression)> rest) =>
        rest.Count == 0 ? first : new CompareExpression(first, rest.ToList());

    private JinjaExpression ParseMath1()
    {
        var left = ParseConcat();
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            var op = Current.Value;
            _position++;
            left = new BinaryExpression(op, left, ParseConcat());
        }

        return left;
    }

    private JinjaExpression ParseConcat()
    {
        var left = ParseMath2();
        while (Current.IsOperator("~"))
        {
            _position++;
            left = new BinaryExpression("~", left, ParseMath2());
        }

        return left;
    }

    private JinjaExpression ParseMath2()
    {
        var left = ParsePow();
        while (Current.IsOperator("*") || Current.IsOperator("/") || Current.IsOperator("//") || Current.IsOperator("%"))
        {
            var op = Current.Value;
            _position++;
            left = new BinaryExpression(op, left, ParsePow());
        }

        return left;
    }

    private JinjaExpression ParsePow()
    {
        var left = ParseUnary(withFilter: true);
        while (Current.IsOperator("**"))
        {
            _position++;
            left = new BinaryExpression("**", left, ParseUnary(withFilter: true));
        }

        return left;
    }

    private JinjaExpression ParseUnary(bool withFilter)
    {
        JinjaExpression node;
        if (Current.IsOperator("-") || Current.IsOperator("+"))
        {
            var op = Current.Value;
            _position++;
            node = new UnaryExpression(op, ParseUnary(withFilter: false));
        }
        else
        {
            node = ParsePostfix(ParsePrimary());
        }

        return withFilter ? ParseFilterAndTest(node) : node;
    }

    private JinjaExpression ParsePrimary()
    {
        var token = Current;
        _position++;
        switch (token.Kind)
        {
            case JinjaTokenKind.Name:
                return token.Value switch
                {
                    "true" or "True" => new ConstantExpression(true),
                    "false" or "False" => new ConstantExpression(false),
                    "none" or "None" => new ConstantExpression(null),
                    _ => new NameExpression(token.Value),
                };
            case JinjaTokenKind.String:
                var text = token.Value;
                while (Current.Kind == JinjaTokenKind.String)
                {
                    text += Current.Value;
                    _position++;
                }

                return new ConstantExpression(text);
            case JinjaTokenKind.Integer:
                return new ConstantExpression(long.Parse(token.Value, CultureInfo.InvariantCulture));
            case JinjaTokenKind.Float:
                return new ConstantExpression(double.Parse(token.Value, CultureInfo.InvariantCulture));
            case JinjaTokenKind.Operator when token.Value == "(":
                if (Current.IsOperator(")"))
                {
                    _position++;
                    return new ListExpression([], tuple: true);
                }

                var first = ParseExpression();
                if (!Current.IsOperator(","))
                {
                    Expect(JinjaTokenKind.Operator, ")");
                    return first;
                }

                var items = new List<JinjaExpression> { first };
                while (Current.IsOperator(","))
                {
                    _position++;
                    if (Current.IsOperator(")"))
                    {
                        break;
                    }

                    items.Add(ParseExpression());
                }

                Expect(JinjaTokenKind.Operator, ")");
                return new ListExpression(items, tuple: true);
            case JinjaTokenKind.Operator when token.Value == "[":
                return new ListExpression(ParseSequence("]"), tuple: false);
            case JinjaTokenKind.Operator when token.Value == "{":
                var pairs = new List<(JinjaExpression, JinjaExpression)>();
                while (!Current.IsOperator("}"))
                {
                    var key = ParseExpression();
                    Expect(JinjaTokenKind.Operator, ":");
                    pairs.Add((key, ParseExpression()));
                    if (!Current.IsOperator(","))
                    {
                        break;
                    }

                    _position++;
                }

                Expect(JinjaTokenKind.Operator, "}");
                return new DictExpression(pairs);
            default:
                throw Error(token, $"unexpected '{(token.Kind == JinjaTokenKind.End ? "end of template" : token.Value)}' in an expression");
        }
    }

    private List<JinjaExpression> ParseSequence(string close)
    {
        var items = new List<JinjaExpression>();
        while (!Current.IsOperator(close))
        {
            items.Add(ParseExpression());
            if (!Current.IsOperator(","))
            {
                break;
            }

            _position++;
        }

        Expect(JinjaTokenKind.Operator, close);
        return items;
    }

    private JinjaExpression ParsePostfix(JinjaExpression node)
    {
        while (true)
        {
            if (Current.IsOperator("."))
            {
                _position++;
                var name = Current;
                _position++;
                node = name.Kind switch
                {
                    JinjaTokenKind.Name => new AttributeExpression(node, name.Value),
                    JinjaTokenKind.Integer => new ItemExpression(node, new ConstantExpression(long.Parse(name.Value, CultureInfo.InvariantCulture))),
                    _ => throw Error(name, "expected an attribute name after '.'"),
                };
            }
            else if (Current.IsOperator("["))
            {
                _position++;
                node = ParseSubscript(node);
            }
            else if (Current.IsOperator("("))
            {
                node = ParseCall(node);
            }
            else
            {
                return node;
            }
        }
    }

    private JinjaExpression ParseSubscript(JinjaExpression target)
    {
        JinjaExpression? Part(params string[] ends) => ends.Any(Current.IsOperator) ? null : ParseExpression();
        var start = Part(":", "]");
        if (Current.IsOperator("]"))
        {
            _position++;
            return new ItemExpression(target, start ?? throw Error(Current, "empty subscript"));
        }

        Expect(JinjaTokenKind.Operator, ":");
        var stop = Part(":", "]");
        JinjaExpression? step = null;
        if (Current.IsOperator(":"))
        {
            _position++;
            step = Part("]");
        }

        Expect(JinjaTokenKind.Operator, "]");
        return new SliceExpression(target, start, stop, step);
    }

    private CallExpression ParseCall(JinjaExpression callee)
    {
        var line = Current.Line;
        var (arguments, keywords) = ParseArguments();
        if (callee is AttributeExpression attribute && !JinjaMethods.Names.Contains(attribute.Name) && attribute.Name != "cycle")
        {
            throw new JinjaSyntaxException($"line {line}: the method '.{attribute.Name}()' is not supported (supported: {string.Join(", ", JinjaMethods.Names.Order())}).");
        }

        if (callee is NameExpression name)
        {
            _calledNames.Add((name.Name, line));
        }

        return new CallExpression(callee, arguments, keywords);
    }

    private (List<JinjaExpression> Arguments, List<(string, JinjaExpression)> Keywords) ParseArguments()
    {
        Expect(JinjaTokenKind.Operator, "(");
        var arguments = new List<JinjaExpression>();
        var keywords = new List<(string, JinjaExpression)>();
        while (!Current.IsOperator(")"))
        {
            if (Current.IsOperator("*") || Current.IsOperator("**"))
            {
                throw Error(Current, "*args and **kwargs in calls are not supported");
            }

            if (Current.Kind == JinjaTokenKind.Name && Peek().IsOperator("="))
            {
                var key = Current.Value;
                _position += 2;
                keywords.Add((key, ParseExpression()));
            }
            else
            {
                arguments.Add(ParseExpression());
            }

            if (!Current.IsOperator(","))
            {
                break;
            }

            _position++;
        }

        Expect(JinjaTokenKind.Operator, ")");
        return (arguments, keywords);
    }

    private JinjaExpression ParseFilterAndTest(JinjaExpression node)
    {
        while (true)
        {
            if (Current.IsOperator("|"))
            {
                _position++;
                node = ParseFilter(node);
            }
            else if (Current.IsName("is"))
            {
                _position++;
                node = ParseTest(node);
            }
            else if (Current.IsOperator("("))
            {
                node = ParseCall(node);
            }
            else
            {
                return node;
            }
        }
    }

    private FilterExpression ParseFilter(JinjaExpression operand)
    {
        var name = Expect(JinjaTokenKind.Name);
        if (!JinjaFilters.Exists(name.Value))
        {
            throw Error(name, $"the filter '{name.Value}' is not supported");
        }

        var (arguments, keywords) = Current.IsOperator("(") ? ParseArguments() : ([], []);
        return new FilterExpression(operand, name.Value, arguments, keywords);
    }

    private TestExpression ParseTest(JinjaExpression operand)
    {
        var negated = false;
        if (Current.IsName("not"))
        {
            negated = true;
            _position++;
        }

        var name = Current;
        _position++;
        var testName = name.Kind == JinjaTokenKind.Name ? name.Value : throw Error(name, "expected a test name after 'is'");
        if (!JinjaTests.Exists(testName))
        {
            throw Error(name, $"the test '{testName}' is not supported");
        }

        List<JinjaExpression> arguments = [];
        if (Current.IsOperator("("))
        {
            arguments = ParseArguments().Arguments;
        }
        else if (Current.Kind is JinjaTokenKind.String or JinjaTokenKind.Integer or JinjaTokenKind.Float
            || (Current.Kind == JinjaTokenKind.Name && !Current.IsName("and") && !Current.IsName("or") && !Current.IsName("else") && !Current.IsName("if") && !Current.IsName("is") && !Current.IsName("not") && !Current.IsName("in")))
        {
            // Jinja allows one argument without parentheses: `x is divisibleby 3`, `x is sameas none`.
            arguments = [ParsePostfix(ParsePrimary())];
        }

        return new TestExpression(operand, testName, arguments, negated);
    }
}
