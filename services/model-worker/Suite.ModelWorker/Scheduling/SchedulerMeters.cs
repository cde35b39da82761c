namespace Suite.ModelWorker.Scheduling;

/// <summary>
/// What the scheduler measures for routers, read from any thread: prefix-cache lookups and hits, and exponentially
/// weighted averages of the prefill speed of prefill-only steps, the duration of decode-only steps and how long a
/// sequence holds its slot. Steps that did one kind of work measure that work's speed; mixed steps are left out, so
/// neither figure carries the other's cost.
/// </summary>
internal sealed class SchedulerMeters(double nominalPrefillTokensPerSecond)
{
    private const double Weight = 0.2;

    private long _queryTokens;
    private long _hitTokens;
    private long _prefillRateBits = BitConverter.DoubleToInt64Bits(nominalPrefillTokensPerSecond);
    private long _decodeStepBits;
    private long _slotSecondsBits;

    public long QueryTokens => Interlocked.Read(ref _queryTokens);

    public long HitTokens => Interlocked.Read(ref _hitTokens);

    /// <summary>Prompt tokens per second of prefill-only steps (the nominal figure until one is observed).</summary>
    public double PrefillTokensPerSecond => Read(ref _prefillRateBits);

    /// <summary>Seconds of a decode-only step at the batch it had (0 until one ran).</summary>
    public double DecodeStepSeconds => Read(ref _decodeStepBits);

    /// <summary>Seconds a sequence held its slot (0 until one ended).</summary>
    public double SlotSeconds => Read(ref _slotSecondsBits);

    public void CountLookup(int queried, int hit)
    {
        Interlocked.Add(ref _queryTokens, queried);
        Interlocked.Add(ref _hitTokens, hit);
    }

    public void ObserveStep(StepPlan plan, double seconds, int blockTokens)
    {
        if (seconds <= 0)
        {
            return;
        }

        if (plan.DecodingSequences == 0 && plan.PrefillTokens >= blockTokens)
        {
            Blend(ref _prefillRateBits, plan.PrefillTokens / seconds);
        }
        else if (plan.PrefillTokens == 0)
        {
            Blend(ref _decodeStepBits, seconds);
        }
    }

    public void ObserveSlot(double seconds) => Blend(ref _slotSecondsBits, seconds);

    private static double Read(ref long bits) => BitConverter.Int64BitsToDouble(Interlocked.Read(ref bits));

    // One writer (the step loop), many readers: a plain read-modify-write is enough.
    private static void Blend(ref long bits, double sample)
    {
        var current = Read(ref bits);
        var next = current <= 0 ? sample : (current * (1 - Weight)) + (sample * Weight);
        Interlocked.Exchange(ref bits, BitConverter.DoubleToInt64Bits(next));
    }
}
