using System.Globalization;
using System.Text;

namespace Suite.Telemetry.Metrics;

/// <summary>A Prometheus histogram family with fixed buckets and one series per label-value set.</summary>
public sealed class Histogram(string name, string help, string[] labelNames, double[] buckets)
{
    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public string Name { get; } = name;

    public void Observe(string[] labelValues, double value) => Observe(labelValues, [value]);

    public void Observe(string[] labelValues, ReadOnlySpan<double> values)
    {
        var key = string.Join('\u0001', labelValues);
        lock (_lock)
        {
            if (!_series.TryGetValue(key, out var series))
            {
                series = new Series(labelValues, buckets.Length);
                _series[key] = series;
            }

            foreach (var value in values)
            {
                var i = Array.BinarySearch(buckets, value);
                series.Counts[i < 0 ? ~i : i]++;
                series.Sum += value;
                series.Count++;
            }
        }
    }

    /// <summary>Approximate quantile (linear within the bucket) of one series, or null when it has no samples.</summary>
    public double? Quantile(string[] labelValues, double q)
    {
        lock (_lock)
        {
            if (!_series.TryGetValue(string.Join('\u0001', labelValues), out var s) || s.Count == 0)
            {
                return null;
            }

            var rank = q * s.Count;
            long seen = 0;
            for (var i = 0; i < s.Counts.Length; i++)
            {
                if (seen + s.Counts[i] >= rank)
                {
                    var lower = i == 0 ? 0 : buckets[i - 1];
                    var upper = i < buckets.Length ? buckets[i] : lower * 2;
                    var within = s.Counts[i] == 0 ? 0 : (rank - seen) / s.Counts[i];
                    return lower + ((upper - lower) * within);
                }

                seen += s.Counts[i];
            }

            return buckets[^1];
        }
    }

    public (long Count, double Sum) Totals(string[] labelValues)
    {
        lock (_lock)
        {
            return _series.TryGetValue(string.Join('\u0001', labelValues), out var s) ? (s.Count, s.Sum) : (0, 0);
        }
    }

    public void WriteTo(StringBuilder text)
    {
        text.Append("# HELP ").Append(Name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(Name).Append(" histogram\n");
        lock (_lock)
        {
            foreach (var series in _series.Values)
            {
                long cumulative = 0;
                for (var i = 0; i <= buckets.Length; i++)
                {
                    cumulative += series.Counts[i];
                    var le = i < buckets.Length ? buckets[i].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
                    text.Append(Name).Append("_bucket{");
                    PrometheusText.AppendLabels(text, labelNames, series.Labels);
                    text.Append(",le=\"").Append(le).Append("\"} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }

                text.Append(Name).Append("_sum{");
                PrometheusText.AppendLabels(text, labelNames, series.Labels);
                text.Append("} ").Append(series.Sum.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                text.Append(Name).Append("_count{");
                PrometheusText.AppendLabels(text, labelNames, series.Labels);
                text.Append("} ").Append(series.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
    }

    private sealed class Series(string[] labels, int buckets)
    {
        public string[] Labels { get; } = labels;

        public long[] Counts { get; } = new long[buckets + 1];

        public double Sum { get; set; }

        public long Count { get; set; }
    }
}
