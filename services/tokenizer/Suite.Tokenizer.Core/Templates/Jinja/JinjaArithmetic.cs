using System.Text;

namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>Python's arithmetic on template values; a type Python rejects is a <see cref="JinjaRuntimeException"/> here too.</summary>
public static class JinjaArithmetic
{
    public static object? Apply(string op, object? left, object? right)
    {
        if ((JinjaOps.Undefined(left) ?? JinjaOps.Undefined(right)) is { } undefined)
        {
            throw undefined;
        }

        switch (op)
        {
            case "+":
                return (left, right) switch
                {
                    (string a, string b) => a + b,
                    (object?[] a, object?[] b) => a.Concat(b).ToArray(),
                    (IList<object?> a, IList<object?> b) => a.Concat(b).ToList(),
                    _ when Numeric(left, right) => Number(left, right, (a, b) => a + b, (a, b) => a + b),
                    _ => throw Unsupported(op, left, right),
                };
            case "-":
                return Numeric(left, right) ? Number(left, right, (a, b) => a - b, (a, b) => a - b) : throw Unsupported(op, left, right);
            case "*":
                return (left, right) switch
                {
                    (string s, long or bool) => Repeat(s, JinjaOps.ToLong(right)),
                    (long or bool, string s) => Repeat(s, JinjaOps.ToLong(left)),
                    (IList<object?> list, long or bool) => Enumerable.Repeat(list, (int)Math.Max(0, JinjaOps.ToLong(right))).SelectMany(x => x).ToList(),
                    _ when Numeric(left, right) => Number(left, right, (a, b) => a * b, (a, b) => a * b),
                    _ => throw Unsupported(op, left, right),
                };
            case "/":
                return Numeric(left, right) ? JinjaOps.ToDouble(right) == 0 ? throw new JinjaRuntimeException("division by zero") : JinjaOps.ToDouble(left) / JinjaOps.ToDouble(right) : throw Unsupported(op, left, right);
            case "//":
                if (!Numeric(left, right))
                {
                    throw Unsupported(op, left, right);
                }

                return Number(left, right, (a, b) => b == 0 ? throw new JinjaRuntimeException("integer division or modulo by zero") : FloorDiv(a, b), (a, b) => Math.Floor(a / b));
            case "%":
                if (!Numeric(left, right))
                {
                    throw new JinjaRuntimeException($"unsupported operand type(s) for %: '{JinjaOps.TypeName(left)}' and '{JinjaOps.TypeName(right)}' (printf-style formatting is not supported)");
                }

                return Number(left, right, (a, b) => b == 0 ? throw new JinjaRuntimeException("integer division or modulo by zero") : a - (b * FloorDiv(a, b)), (a, b) => a - (b * Math.Floor(a / b)));
            case "**":
                if (!Numeric(left, right))
                {
                    throw Unsupported(op, left, right);
                }

                if (left is double || right is double || JinjaOps.ToLong(right) < 0)
                {
                    return Math.Pow(JinjaOps.ToDouble(left), JinjaOps.ToDouble(right));
                }

                var result = 1L;
                for (long i = 0, n = JinjaOps.ToLong(right), b = JinjaOps.ToLong(left); i < n; i++)
                {
                    result = checked(result * b);
                }

                return result;
            default:
                throw new JinjaRuntimeException($"unknown operator {op}");
        }
    }

    public static object? Negate(object? value) => value switch
    {
        long l => (object)(-l),
        bool b => b ? -1L : 0L,
        double d => -d,
        JinjaUndefined undefined => throw undefined.Error(),
        _ => throw new JinjaRuntimeException($"bad operand type for unary -: '{JinjaOps.TypeName(value)}'"),
    };

    private static bool Numeric(object? left, object? right) => JinjaOps.IsNumber(left) && JinjaOps.IsNumber(right);

    private static object Number(object? left, object? right, Func<long, long, long> integers, Func<double, double, double> floats) =>
        left is double || right is double
            ? floats(JinjaOps.ToDouble(left), JinjaOps.ToDouble(right))
            : (object)integers(JinjaOps.ToLong(left), JinjaOps.ToLong(right));

    private static long FloorDiv(long a, long b)
    {
        var q = a / b;
        return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q;
    }

    private static string Repeat(string s, long count)
    {
        var builder = new StringBuilder();
        for (var i = 0L; i < count; i++)
        {
            builder.Append(s);
        }

        return builder.ToString();
    }

    private static JinjaRuntimeException Unsupported(string op, object? left, object? right) =>
        left is string && op == "+"
            ? new JinjaRuntimeException($"can only concatenate str (not \"{JinjaOps.TypeName(right)}\") to str")
            : new JinjaRuntimeException($"unsupported operand type(s) for {op}: '{JinjaOps.TypeName(left)}' and '{JinjaOps.TypeName(right)}'");
}
