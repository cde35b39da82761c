namespace Suite.Telemetry.Dashboard;

/// <summary>
/// Latency samples of one interval, for percentiles. Keeps every sample up to its capacity and a uniform random
/// subset beyond it (reservoir sampling), so a busy interval costs bounded memory: inter-token gaps arrive by the
/// thousand per second.
/// </summary>
public sealed class SampleReservoir(int capacity)
{
    private readonly float[] _samples = new float[capacity];
    private long _seen;
    private ulong _state = 0x9E3779B97F4A7C15UL;

    public long Seen => _seen;

    public void Add(double value)
    {
        if (_seen < _samples.Length)
        {
            _samples[_seen] = (float)value;
        }
        else
        {
            var slot = (long)(Next() % (ulong)(_seen + 1));
            if (slot < _samples.Length)
            {
                _samples[slot] = (float)value;
            }
        }

        _seen++;
    }

    /// <summary>The percentiles (0–1, nearest rank) of what was kept, or nulls when nothing was added.</summary>
    public double?[] Percentiles(params ReadOnlySpan<double> quantiles)
    {
        var result = new double?[quantiles.Length];
        var kept = (int)Math.Min(_seen, _samples.Length);
        if (kept == 0)
        {
            return result;
        }

        var sorted = _samples.AsSpan(0, kept).ToArray();
        Array.Sort(sorted);
        for (var i = 0; i < quantiles.Length; i++)
        {
            var rank = (int)Math.Ceiling(quantiles[i] * kept) - 1;
            result[i] = sorted[Math.Clamp(rank, 0, kept - 1)];
        }

        return result;
    }

    public void Clear() => _seen = 0;

    // xorshift64: cheap, and a fixed seed keeps runs repeatable.
    private ulong Next()
    {
        _state ^= _state << 13;
        _state ^= _state >> 7;
        _state ^= _state << 17;
        return _state;
    }
}
