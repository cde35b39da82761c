using Suite.Contracts;
using Suite.Telemetry.Dashboard;

namespace Suite.Telemetry.Metrics;

/// <summary>
/// One backend's totals and latency samples for the per-backend comparison: counts since start, and percentiles from a
/// bounded uniform sample of every request's time to first token and inter-token gaps.
/// </summary>
public sealed class BackendStats
{
    private readonly Lock _lock = new();
    private readonly SampleReservoir _ttft = new(4096);
    private readonly SampleReservoir _itl = new(16384);
    private long _requests;
    private double _generatedTokens;
    private double _decodeSeconds;

    public void Record(RequestCompleted e)
    {
        lock (_lock)
        {
            _requests++;
            _generatedTokens += e.CompletionTokens;
            _decodeSeconds += e.DecodeSeconds;
            if (e.TimeToFirstTokenSeconds is { } ttft)
            {
                _ttft.Add(ttft);
            }

            foreach (var gap in e.InterTokenSeconds)
            {
                _itl.Add(gap);
            }
        }
    }

    public (long Requests, double GeneratedTokens, double DecodeSeconds, double? TtftP50, double? TtftP99, double? ItlP50, double? ItlP99) Read()
    {
        lock (_lock)
        {
            var ttft = _ttft.Percentiles(0.5, 0.99);
            var itl = _itl.Percentiles(0.5, 0.99);
            return (_requests, _generatedTokens, _decodeSeconds, ttft[0], ttft[1], itl[0], itl[1]);
        }
    }
}
