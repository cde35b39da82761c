using System.Globalization;
using System.Text;

namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>
/// Python/Jinja semantics of the values a template handles: None (null), Undefined, bool, int (long), float
/// (double), str, list (List), tuple (object?[]), dict (OrderedDictionary with string keys), namespace, loop and
/// callables.
/// </summary>
public static class JinjaOps
{
    public static bool IsTrue(object? value) => value switch
    {
        null or JinjaUndefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        IList<object?> list => list.Count > 0,
        OrderedDictionary<string, object?> dict => dict.Count > 0,
        _ => true,
    };

    /// <summary>Python's str(): what {{ value }} prints.</summary>
    public static string ToStr(object? value) => value switch
    {
        string s => s,
        JinjaUndefined => string.Empty,
        _ => Repr(value),
    };

    /// <summary>Python's repr() (how containers print their items).</summary>
    public static string Repr(object? value) => value switch
    {
        null => "None",
        JinjaUndefined => string.Empty,
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => PythonText.FloatRepr(d),
        string s => PythonText.Repr(s),
        object?[] tuple => "(" + string.Join(", ", tuple.Select(Repr)) + (tuple.Length == 1 ? ",)" : ")"),
        IList<object?> list => "[" + string.Join(", ", list.Select(Repr)) + "]",
        OrderedDictionary<string, object?> dict => "{" + string.Join(", ", dict.Select(p => PythonText.Repr(p.Key) + ": " + Repr(p.Value))) + "}",
        JinjaNamespace => "<Namespace>",
        _ => value.ToString() ?? string.Empty,
    };

    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        JinjaUndefined => "Undefined",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        object?[] => "tuple",
        IList<object?> => "list",
        OrderedDictionary<string, object?> => "dict",
        JinjaNamespace => "Namespace",
        _ => value.GetType().Name,
    };

    public static bool AreEqual(object? left, object? right)
    {
        switch (left, right)
        {
            case (null, null):
                return true;
            case (JinjaUndefined, JinjaUndefined):
                return true;
            case (null, _) or (_, null) or (JinjaUndefined, _) or (_, JinjaUndefined):
                return false;
            case (string a, string b):
                return string.Equals(a, b, StringComparison.Ordinal);
            case (IList<object?> a, IList<object?> b):
                return a.Count == b.Count && a.Zip(b).All(p => AreEqual(p.First, p.Second));
            case (OrderedDictionary<string, object?> a, OrderedDictionary<string, object?> b):
                return a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && AreEqual(p.Value, other));
        }

        if (IsNumber(left) && IsNumber(right))
        {
            return left is double || right is double ? ToDouble(left) == ToDouble(right) : ToLong(left) == ToLong(right);
        }

        return ReferenceEquals(left, right);
    }

    /// <summary>Python ordering for &lt; &gt; &lt;= &gt;=: numbers, strings (by code point), lists.</summary>
    public static int Compare(object? left, object? right)
    {
        if (IsNumber(left) && IsNumber(right))
        {
            return left is double || right is double ? ToDouble(left).CompareTo(ToDouble(right)) : ToLong(left).CompareTo(ToLong(right));
        }

        if (left is string a && right is string b)
        {
            return string.CompareOrdinal(a, b) switch { < 0 => -1, > 0 => 1, _ => 0 };
        }

        if (left is IList<object?> x && right is IList<object?> y)
        {
            for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
            {
                if (!AreEqual(x[i], y[i]))
                {
                    return Compare(x[i], y[i]);
                }
            }

            return x.Count.CompareTo(y.Count);
        }

        throw Undefined(left) ?? Undefined(right) ?? new JinjaRuntimeException($"'<' not supported between instances of '{TypeName(left)}' and '{TypeName(right)}'");
    }

    public static bool Contains(object? container, object? item) => container switch
    {
        string s when item is string sub => s.Contains(sub, StringComparison.Ordinal),
        string => throw new JinjaRuntimeException($"'in <string>' requires string as left operand, not {TypeName(item)}"),
        OrderedDictionary<string, object?> dict => item is string key && dict.ContainsKey(key),
        IList<object?> list => list.Any(x => AreEqual(x, item)),
        JinjaUndefined => false,
        _ => throw new JinjaRuntimeException($"argument of type '{TypeName(container)}' is not iterable"),
    };

    /// <summary>What a for loop walks: list items, dict keys, string characters.</summary>
    public static IReadOnlyList<object?> Iterate(object? value) => value switch
    {
        IList<object?> list => list.ToList(),
        OrderedDictionary<string, object?> dict => dict.Keys.Cast<object?>().ToList(),
        string s => s.EnumerateRunes().Select(r => (object?)r.ToString()).ToList(),
        JinjaUndefined => [],
        _ => throw new JinjaRuntimeException($"'{TypeName(value)}' object is not iterable"),
    };

    public static long Length(object? value) => value switch
    {
        string s => s.EnumerateRunes().Count(),
        IList<object?> list => list.Count,
        OrderedDictionary<string, object?> dict => dict.Count,
        JinjaUndefined => 0,
        _ => throw new JinjaRuntimeException($"object of type '{TypeName(value)}' has no len()"),
    };

    /// <summary><c>obj.name</c>: a method bound to the object, else a dict key or namespace field, else Undefined.</summary>
    public static object? GetAttribute(object? target, string name)
    {
        if (target is JinjaUndefined undefined)
        {
            throw undefined.Error();
        }

        if (JinjaMethods.TryBind(target, name, out var method))
        {
            return method;
        }

        return target switch
        {
            OrderedDictionary<string, object?> dict => dict.TryGetValue(name, out var value) ? value : new JinjaUndefined($"'dict object' has no attribute '{name}': it"),
            JinjaNamespace ns => ns.Values.TryGetValue(name, out var value) ? value : new JinjaUndefined($"namespace attribute '{name}'"),
            JinjaLoop loop => loop.Get(name),
            _ => new JinjaUndefined($"'{TypeName(target)} object' has no attribute '{name}': it"),
        };
    }

    /// <summary><c>obj[key]</c>: list or string index (negative from the end), dict key; Undefined when absent.</summary>
    public static object? GetItem(object? target, object? key)
    {
        switch (target)
        {
            case JinjaUndefined undefined:
                throw undefined.Error();
            case OrderedDictionary<string, object?> dict:
                return key is string k && dict.TryGetValue(k, out var value) ? value : new JinjaUndefined($"dict key {Repr(key)}");
            case IList<object?> list when key is long or bool:
            {
                var index = ToLong(key);
                index = index < 0 ? list.Count + index : index;
                return index >= 0 && index < list.Count ? list[(int)index] : new JinjaUndefined($"list index {Repr(key)}");
            }

            case string s when key is long or bool:
            {
                var runes = s.EnumerateRunes().ToArray();
                var index = ToLong(key);
                index = index < 0 ? runes.Length + index : index;
                return index >= 0 && index < runes.Length ? runes[index].ToString() : new JinjaUndefined($"string index {Repr(key)}");
            }

            case JinjaNamespace ns when key is string name:
                return ns.Values.TryGetValue(name, out var field) ? field : new JinjaUndefined($"namespace attribute '{name}'");
            case JinjaLoop loop when key is string name:
                return loop.Get(name);
            default:
                return key is string attribute ? GetAttribute(target, attribute) : new JinjaUndefined($"{TypeName(target)}[{Repr(key)}]");
        }
    }

    /// <summary><c>obj[start:stop:step]</c> on a list, tuple or string, with Python's clamping and negative steps.</summary>
    public static object? Slice(object? target, object? start, object? stop, object? step)
    {
        var stride = step is null or JinjaUndefined ? 1 : ToLong(step);
        if (stride == 0)
        {
            throw new JinjaRuntimeException("slice step cannot be zero");
        }

        IReadOnlyList<object?> items = target switch
        {
            string s => s.EnumerateRunes().Select(r => (object?)r.ToString()).ToList(),
            IList<object?> list => list.ToList(),
            JinjaUndefined undefined => throw undefined.Error(),
            _ => throw new JinjaRuntimeException($"'{TypeName(target)}' object is not subscriptable"),
        };

        var n = (long)items.Count;
        long Bound(object? value, long fallback)
        {
            if (value is null or JinjaUndefined)
            {
                return fallback;
            }

            var v = ToLong(value);
            v = v < 0 ? v + n : v;
            return stride > 0 ? Math.Clamp(v, 0, n) : Math.Clamp(v, -1, n - 1);
        }

        var from = Bound(start, stride > 0 ? 0 : n - 1);
        var to = Bound(stop, stride > 0 ? n : -1);
        var result = new List<object?>();
        for (var i = from; stride > 0 ? i < to : i > to; i += stride)
        {
            result.Add(items[(int)i]);
        }

        return target switch
        {
            string => string.Concat(result.Cast<string>()),
            object?[] => result.ToArray(),
            _ => result,
        };
    }

    public static bool IsNumber(object? value) => value is long or double or bool;

    public static long ToLong(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d => (long)d,
        _ => throw new JinjaRuntimeException($"an integer is required, not '{TypeName(value)}'"),
    };

    public static double ToDouble(object? value) => value switch
    {
        double d => d,
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new JinjaRuntimeException($"a number is required, not '{TypeName(value)}'"),
    };

    /// <summary>The error of using Undefined in an operation, or null when neither side is Undefined.</summary>
    public static JinjaRuntimeException? Undefined(object? value) => value is JinjaUndefined undefined ? undefined.Error() : null;

    /// <summary>Joins already-printed values: ~ and string concatenation.</summary>
    public static string Concat(IEnumerable<object?> values)
    {
        var builder = new StringBuilder();
        foreach (var value in values)
        {
            builder.Append(ToStr(value));
        }

        return builder.ToString();
    }
}
