using System.Globalization;
using System.Text;

namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>
/// The functions a chat template can call without being given them: Jinja's <c>range</c>, <c>namespace</c>,
/// <c>dict</c>, and the two transformers adds, <c>raise_exception</c> and <c>strftime_now</c>.
/// </summary>
public static class JinjaGlobals
{
    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(StringComparer.Ordinal) { "range", "namespace", "dict", "raise_exception", "strftime_now" };

    public static bool TryGet(string name, JinjaRender render, out object? value)
    {
        value = name switch
        {
            "range" => new JinjaCallable("range", (a, _) => Range(a)),
            "namespace" => new JinjaCallable("namespace", Namespace),
            "dict" => new JinjaCallable("dict", (a, k) => Dict(a, k)),
            "raise_exception" => new JinjaCallable("raise_exception", (a, _) =>
                throw new JinjaRuntimeException(a.Count > 0 ? JinjaOps.ToStr(a[0]) : "raise_exception() was called", raised: true)),
            "strftime_now" => new JinjaCallable("strftime_now", (a, _) =>
                Strftime(render.Clock.GetLocalNow(), a.Count > 0 && a[0] is string format ? format : throw new JinjaRuntimeException("strftime_now() needs a format string"))),
            _ => null,
        };
        return value is not null;
    }

    /// <summary>Python's datetime.strftime for the directives templates use (Llama 3.1's "%d %b %Y" among them).</summary>
    public static string Strftime(DateTimeOffset time, string format)
    {
        var culture = CultureInfo.InvariantCulture;
        var builder = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                builder.Append(format[i]);
                continue;
            }

            var directive = format[++i];
            var noPad = directive == '-' && i + 1 < format.Length;
            if (noPad)
            {
                directive = format[++i];
            }

            string Pad(int value, int width) => noPad ? value.ToString(culture) : value.ToString(new string('0', width), culture);
            builder.Append(directive switch
            {
                'd' => Pad(time.Day, 2),
                'e' => time.Day.ToString(culture).PadLeft(2),
                'm' => Pad(time.Month, 2),
                'y' => Pad(time.Year % 100, 2),
                'Y' => time.Year.ToString(culture),
                'H' => Pad(time.Hour, 2),
                'I' => Pad(time.Hour % 12 == 0 ? 12 : time.Hour % 12, 2),
                'M' => Pad(time.Minute, 2),
                'S' => Pad(time.Second, 2),
                'p' => time.Hour < 12 ? "AM" : "PM",
                'j' => Pad(time.DayOfYear, 3),
                'a' => time.ToString("ddd", culture),
                'A' => time.ToString("dddd", culture),
                'b' or 'h' => time.ToString("MMM", culture),
                'B' => time.ToString("MMMM", culture),
                'f' => (time.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", culture),
                'z' => (time.Offset < TimeSpan.Zero ? "-" : "+") + time.Offset.ToString("hhmm", culture),
                'Z' => time.Offset == TimeSpan.Zero ? "UTC" : string.Empty,
                'F' => time.ToString("yyyy-MM-dd", culture),
                'T' => time.ToString("HH:mm:ss", culture),
                '%' => "%",
                _ => "%" + (noPad ? "-" : string.Empty) + directive,
            });
        }

        return builder.ToString();
    }

    private static List<object?> Range(IReadOnlyList<object?> arguments)
    {
        var (start, stop, step) = arguments.Count switch
        {
            1 => (0L, JinjaOps.ToLong(arguments[0]), 1L),
            2 => (JinjaOps.ToLong(arguments[0]), JinjaOps.ToLong(arguments[1]), 1L),
            3 => (JinjaOps.ToLong(arguments[0]), JinjaOps.ToLong(arguments[1]), JinjaOps.ToLong(arguments[2])),
            _ => throw new JinjaRuntimeException($"range expected 1 to 3 arguments, got {arguments.Count}"),
        };
        if (step == 0)
        {
            throw new JinjaRuntimeException("range() arg 3 must not be zero");
        }

        var result = new List<object?>();
        for (var i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            // Jinja's sandbox caps ranges too (MAX_RANGE); a template must not render forever.
            if (result.Count >= 100_000)
            {
                throw new JinjaRuntimeException("range too big (over 100000 items)");
            }

            result.Add(i);
        }

        return result;
    }

    private static JinjaNamespace Namespace(IReadOnlyList<object?> arguments, IReadOnlyDictionary<string, object?> keywords)
    {
        var ns = new JinjaNamespace();
        if (arguments.Count > 0 && arguments[0] is OrderedDictionary<string, object?> initial)
        {
            foreach (var (key, value) in initial)
            {
                ns.Values[key] = value;
            }
        }

        foreach (var (key, value) in keywords)
        {
            ns.Values[key] = value;
        }

        return ns;
    }

    private static OrderedDictionary<string, object?> Dict(IReadOnlyList<object?> arguments, IReadOnlyDictionary<string, object?> keywords)
    {
        var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        if (arguments.Count > 0 && arguments[0] is OrderedDictionary<string, object?> initial)
        {
            foreach (var (key, value) in initial)
            {
                dict[key] = value;
            }
        }

        foreach (var (key, value) in keywords)
        {
            dict[key] = value;
        }

        return dict;
    }
}
