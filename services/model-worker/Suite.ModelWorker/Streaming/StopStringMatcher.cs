namespace Suite.ModelWorker.Streaming;

/// <summary>
/// Finds stop strings in text as it is generated. Text that might be the start of a stop string is held back until
/// the next tokens decide, so a client never sees part of a stop string.
/// </summary>
public sealed class StopStringMatcher(IReadOnlyList<string> stops)
{
    private readonly string[] _stops = stops.Where(s => s.Length > 0).ToArray();

    public bool IsEmpty => _stops.Length == 0;

    /// <summary>
    /// Looks at <paramref name="pending"/> (text not yet emitted). Returns the index where the earliest stop string
    /// starts (or -1), and otherwise how many leading characters are safe to emit now.
    /// </summary>
    public (int StopAt, int SafeLength) Scan(ReadOnlySpan<char> pending)
    {
        if (_stops.Length == 0)
        {
            return (-1, pending.Length);
        }

        var stopAt = -1;
        foreach (var stop in _stops)
        {
            var at = pending.IndexOf(stop.AsSpan(), StringComparison.Ordinal);
            if (at >= 0 && (stopAt < 0 || at < stopAt))
            {
                stopAt = at;
            }
        }

        if (stopAt >= 0)
        {
            return (stopAt, stopAt);
        }

        // Hold back the longest suffix that is a proper prefix of some stop string.
        var hold = 0;
        foreach (var stop in _stops)
        {
            for (var len = Math.Min(stop.Length - 1, pending.Length); len > hold; len--)
            {
                if (pending[^len..].SequenceEqual(stop.AsSpan(0, len)))
                {
                    hold = len;
                    break;
                }
            }
        }

        return (-1, pending.Length - hold);
    }
}
