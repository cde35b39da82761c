using System.Threading.Channels;
using Suite.Contracts;

namespace Suite.ModelWorker.Backends.Sim;

/// <summary>
/// A sequence as the simulator tracks it, mirroring the real engine's bookkeeping. Times are simulated seconds since
/// the backend started. Fields below "scheduler-owned" are touched only by the scheduler loop.
/// </summary>
internal sealed class SimulatedSequence : ISequence
{
    private readonly Channel<int> _tokens = Channel.CreateUnbounded<int>(new UnboundedChannelOptions
    {
        SingleWriter = true,
        SingleReader = false,
        AllowSynchronousContinuations = false,
    });

    private readonly TaskCompletionSource<SequenceOutcome> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action _signal;
    private int _cancelRequested;

    public SimulatedSequence(SequenceRequest request, long order, int maxNewTokens, ulong state, double scheduledAt, Action signal)
    {
        Request = request;
        Order = order;
        MaxNewTokens = maxNewTokens;
        State = state;
        ScheduledAt = scheduledAt;
        _signal = signal;
    }

    public Guid Id => Request.Id;

    public ChannelReader<int> Tokens => _tokens.Reader;

    public Task<SequenceOutcome> Completion => _completion.Task;

    public SequenceRequest Request { get; }

    /// <summary>FIFO order among sequences of equal priority.</summary>
    public long Order { get; }

    /// <summary>The request's limit, capped to what fits the context.</summary>
    public int MaxNewTokens { get; }

    /// <summary>KV tokens reserved at admission: the longest this sequence can grow, so admitted work never overflows.</summary>
    public int ReservedTokens => Request.Prefix.Length + MaxNewTokens;

    public bool CancelRequested => Volatile.Read(ref _cancelRequested) != 0;

    public double ScheduledAt { get; }

    // Scheduler-owned state.

    /// <summary>Rolling hash of prefix + generated tokens: decides the next token.</summary>
    public ulong State { get; set; }

    public int Slot { get; set; } = -1;

    /// <summary>Prompt tokens already "in the KV cache".</summary>
    public int PrefillDone { get; set; }

    /// <summary>Prompt tokens in the step being simulated now.</summary>
    public int PrefillPending { get; set; }

    /// <summary>Tokens in the KV cache (the next position to write).</summary>
    public int Position { get; set; }

    public int Generated { get; set; }

    public bool Decoding => PrefillDone >= Request.Prefix.Length;

    public double AdmittedAt { get; set; } = -1;

    public double PrefillEndedAt { get; set; } = -1;

    public double FirstTokenAt { get; set; }

    public double LastTokenAt { get; set; }

    public List<float> InterTokenSeconds { get; } = [];

    public void Cancel()
    {
        if (Interlocked.Exchange(ref _cancelRequested, 1) == 0)
        {
            _signal();
        }
    }

    public void Emit(int token, double now)
    {
        if (Generated == 0)
        {
            FirstTokenAt = now;
        }
        else
        {
            InterTokenSeconds.Add((float)(now - LastTokenAt));
        }

        LastTokenAt = now;
        Generated++;
        _tokens.Writer.TryWrite(token);
    }

    /// <summary>Ends the sequence: completes the token stream, then the outcome. Later calls do nothing.</summary>
    public void Complete(FinishReason reason, string? error, double now)
    {
        if (_completion.Task.IsCompleted)
        {
            return;
        }

        var admitted = AdmittedAt < 0 ? Math.Max(now, ScheduledAt) : AdmittedAt;
        var outcome = new SequenceOutcome(
            Reason: reason,
            PrefixTokens: Request.Prefix.Length,
            GeneratedTokens: Generated,
            QueueSeconds: Math.Max(0, admitted - ScheduledAt),
            PrefillSeconds: PrefillEndedAt < 0 ? 0 : PrefillEndedAt - admitted,
            FirstTokenSeconds: Generated == 0 ? 0 : FirstTokenAt - ScheduledAt,
            DecodeSeconds: Generated == 0 ? 0 : LastTokenAt - FirstTokenAt,
            InterTokenSeconds: [.. InterTokenSeconds],
            Error: error);
        _tokens.Writer.TryComplete();
        _completion.TrySetResult(outcome);
    }
}
