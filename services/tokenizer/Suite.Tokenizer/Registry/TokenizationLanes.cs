using Microsoft.Extensions.Options;
using Suite.Contracts;

namespace Suite.Tokenizer.Registry;

/// <summary>
/// Where encoding runs. Short requests are encoded at once on the caller's thread (microseconds to milliseconds).
/// Large ones (<see cref="TokenizerOptions.LargeInputCharacters"/>) queue for a bounded lane
/// (<see cref="TokenizerOptions.LargeInputConcurrency"/>) and run on the thread pool, so a burst of megabyte prompts
/// occupies at most that many cores and a short chat arriving meanwhile is encoded without waiting behind them.
/// When a burst of large inputs is over, the memory their copies took is handed back (see <see cref="ReclaimAsync"/>).
/// </summary>
public sealed class TokenizationLanes(IOptions<TokenizerOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _large = new(options.Value.LargeInputConcurrency);
    private readonly int _threshold = options.Value.LargeInputCharacters;
    private readonly bool _reclaim = options.Value.ReclaimMemoryAfterLargeInputs;
    private int _largeActive;
    private long _largeCompleted;
    private long _reclaimedUpTo;
    private int _reclaimScheduled;
    private int _reclaims;

    /// <summary>Large requests waiting for or holding the lane right now.</summary>
    public int LargeInFlight => Volatile.Read(ref _largeActive);

    /// <summary>How many times memory was handed back after a burst of large inputs.</summary>
    public int Reclaims => Volatile.Read(ref _reclaims);

    /// <summary>How long a burst must be over before its memory is reclaimed (so one burst costs one collection).</summary>
    public TimeSpan ReclaimDelay { get; init; } = TimeSpan.FromSeconds(1);

    public async ValueTask<T> RunAsync<T>(long characters, Func<T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (characters < _threshold)
        {
            return work();
        }

        Interlocked.Increment(ref _largeActive);
        try
        {
            await _large.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await Task.Run(work, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _large.Release();
            }
        }
        finally
        {
            Interlocked.Increment(ref _largeCompleted);
            if (Interlocked.Decrement(ref _largeActive) == 0)
            {
                ScheduleReclaim();
            }
        }
    }

    /// <summary>The characters of text a generation input carries, which decide its lane.</summary>
    public static long Size(GenerationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        long size = input.Prompt?.Length ?? 0;
        foreach (var message in input.Messages ?? [])
        {
            size += (message.Content?.Length ?? 0) + (message.ReasoningContent?.Length ?? 0);
            foreach (var call in message.ToolCalls ?? [])
            {
                size += call.Function.Arguments.Length;
            }
        }

        foreach (var tool in input.Tools ?? [])
        {
            size += (tool.Function.Description?.Length ?? 0) + (tool.Function.ParametersJson?.Length ?? 0);
        }

        return size;
    }

    public void Dispose() => _large.Dispose();

    /// <summary>Schedules a reclaim when large inputs finished since the last one and none is scheduled.</summary>
    private void ScheduleReclaim()
    {
        if (_reclaim && Volatile.Read(ref _largeCompleted) != Volatile.Read(ref _reclaimedUpTo) && Interlocked.CompareExchange(ref _reclaimScheduled, 1, 0) == 0)
        {
            _ = ReclaimAsync();
        }
    }

    /// <summary>
    /// A megabyte prompt is copied several times on its way (request body, parsed text, bus message, rendered
    /// template), so a burst of them grows the GC's committed memory by hundreds of MB. That memory is garbage once
    /// they are answered, but the collector keeps it committed at its peak until enough new allocation forces
    /// collections, which an otherwise quiet server never does (measured: 300 MB stayed for minutes). Once no large
    /// input has been in flight for <see cref="ReclaimDelay"/>, one blocking, compacting collection in aggressive mode
    /// hands it back to the OS: a pause of tens of milliseconds after a burst that is already rare and expensive.
    /// </summary>
    private async Task ReclaimAsync()
    {
        try
        {
            await Task.Delay(ReclaimDelay).ConfigureAwait(false);
            var covered = Volatile.Read(ref _largeCompleted);
            if (Volatile.Read(ref _largeActive) == 0)
            {
                GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                Volatile.Write(ref _reclaimedUpTo, covered);
                Interlocked.Increment(ref _reclaims);
            }
        }
        finally
        {
            Volatile.Write(ref _reclaimScheduled, 0);
        }

        // Large inputs that ended while this one was scheduled (or were still running when it woke) get their own.
        if (Volatile.Read(ref _largeActive) == 0)
        {
            ScheduleReclaim();
        }
    }
}
