namespace Suite.Models.Generation;

/// <summary>
/// SplitMix64 with Box–Muller normals. Written out here rather than using <see cref="Random"/> so the generated weights
/// (and so the file's bytes) cannot change with the .NET version.
/// </summary>
public sealed class SeededRandom(ulong seed)
{
    private ulong _state = seed;
    private double? _spare;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in (0, 1].</summary>
    public double NextDouble() => ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

    public double NextGaussian()
    {
        if (_spare is { } spare)
        {
            _spare = null;
            return spare;
        }

        var radius = Math.Sqrt(-2.0 * Math.Log(NextDouble()));
        var angle = 2.0 * Math.PI * NextDouble();
        _spare = radius * Math.Sin(angle);
        return radius * Math.Cos(angle);
    }

    /// <summary>Fills <paramref name="target"/> with normals of the given standard deviation.</summary>
    public void FillGaussian(Span<float> target, double stdDev)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = (float)(NextGaussian() * stdDev);
        }
    }
}
