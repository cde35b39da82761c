namespace Suite.ModelWorker.Hosting;

/// <summary>Exponentially weighted averages of time to first token and inter-token latency, for heartbeats.</summary>
public sealed class LatencyAverages
{
    private const double Weight = 0.2;
    private readonly Lock _lock = new();
    private double _ttft;
    private double _itl;

    public (double Ttft, double Itl) Current
    {
        get
        {
            lock (_lock)
            {
                return (_ttft, _itl);
            }
        }
    }

    public void Observe(double firstTokenSeconds, ReadOnlySpan<float> interTokenSeconds)
    {
        double itl = 0;
        foreach (var gap in interTokenSeconds)
        {
            itl += gap;
        }

        lock (_lock)
        {
            _ttft = _ttft == 0 ? firstTokenSeconds : (_ttft * (1 - Weight)) + (firstTokenSeconds * Weight);
            if (interTokenSeconds.Length > 0)
            {
                itl /= interTokenSeconds.Length;
                _itl = _itl == 0 ? itl : (_itl * (1 - Weight)) + (itl * Weight);
            }
        }
    }
}
