using System.Text;

namespace Suite.Telemetry.Metrics;

/// <summary>
/// vLLM names its metrics <c>vllm:*</c>, and dashboards and autoscalers written for vLLM query those names. prometheus-net
/// 8.2 refuses a colon in a metric name (it validates against <c>^[a-zA-Z_][a-zA-Z0-9_]*$</c>; the exposition format
/// allows colons, and Python's prometheus_client, which vLLM uses, writes them), and so does OpenTelemetry's Prometheus
/// exporter. So the metrics are kept by prometheus-net as <c>vllm_*</c> / <c>suite_*</c>, and this pass writes the colon
/// back into the names (and only the names) of the text it exports. Written here because no library does it.
/// </summary>
public static class VllmNames
{
    private static readonly string[] Prefixes = ["vllm", "suite"];

    /// <summary>The name prometheus-net holds for a colon name: <c>vllm:x</c> → <c>vllm_x</c>.</summary>
    public static string Internal(string name)
    {
        foreach (var prefix in Prefixes)
        {
            if (name.StartsWith(prefix + ":", StringComparison.Ordinal))
            {
                return prefix + "_" + name[(prefix.Length + 1)..];
            }
        }

        return name;
    }

    /// <summary>Rewrites the metric names of a Prometheus text exposition back to their colon form.</summary>
    public static string Restore(string exposition)
    {
        var text = new StringBuilder(exposition.Length);
        foreach (var line in exposition.AsSpan().EnumerateLines())
        {
            if (line.IsEmpty)
            {
                continue;
            }

            var nameStart = line.StartsWith("# HELP ") || line.StartsWith("# TYPE ") ? 7 : line[0] == '#' ? -1 : 0;
            if (nameStart >= 0)
            {
                foreach (var prefix in Prefixes)
                {
                    var name = line[nameStart..];
                    if (name.StartsWith(prefix) && name.Length > prefix.Length && name[prefix.Length] == '_')
                    {
                        text.Append(line[..(nameStart + prefix.Length)]).Append(':').Append(line[(nameStart + prefix.Length + 1)..]).Append('\n');
                        goto next;
                    }
                }
            }

            text.Append(line).Append('\n');
        next:;
        }

        return text.ToString();
    }
}
