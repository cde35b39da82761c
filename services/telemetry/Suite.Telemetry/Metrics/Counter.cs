using System.Globalization;
using System.Text;

namespace Suite.Telemetry.Metrics;

/// <summary>A Prometheus counter family.</summary>
public sealed class Counter(string name, string help, string[] labelNames)
{
    private readonly Dictionary<string, (string[] Labels, double Value)> _series = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public string Name { get; } = name;

    public void Add(string[] labelValues, double amount = 1)
    {
        var key = string.Join('\u0001', labelValues);
        lock (_lock)
        {
            _series[key] = _series.TryGetValue(key, out var s) ? (s.Labels, s.Value + amount) : (labelValues, amount);
        }
    }

    public double Value(string[] labelValues)
    {
        lock (_lock)
        {
            return _series.TryGetValue(string.Join('\u0001', labelValues), out var s) ? s.Value : 0;
        }
    }

    public void WriteTo(StringBuilder text)
    {
        text.Append("# HELP ").Append(Name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(Name).Append(" counter\n");
        lock (_lock)
        {
            foreach (var (labels, value) in _series.Values)
            {
                text.Append(Name).Append('{');
                PrometheusText.AppendLabels(text, labelNames, labels);
                text.Append("} ").Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            }
        }
    }
}
