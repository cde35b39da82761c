using System.Globalization;
using System.Text;

namespace Suite.Telemetry.Metrics;

/// <summary>Helpers for the Prometheus text exposition format.</summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static void AppendLabels(StringBuilder text, string[] names, string[] values)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(names[i]).Append("=\"");
            foreach (var c in values[i])
            {
                _ = c switch
                {
                    '\\' => text.Append("\\\\"),
                    '"' => text.Append("\\\""),
                    '\n' => text.Append("\\n"),
                    _ => text.Append(c),
                };
            }

            text.Append('"');
        }
    }

    public static void AppendGauge(StringBuilder text, string name, string help, string[] labelNames, IEnumerable<(string[] Labels, double Value)> series)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" gauge\n");
        foreach (var (labels, value) in series)
        {
            text.Append(name).Append('{');
            AppendLabels(text, labelNames, labels);
            text.Append("} ").Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}
