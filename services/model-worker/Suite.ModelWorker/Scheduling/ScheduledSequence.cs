using System.Threading.Channels;
using Suite.Contracts;
using Suite.ModelWorker.Backends;

namespace Suite.ModelWorker.Scheduling;

/// <summary>
/// A sequence as the scheduler tracks it, for every backend. Times are seconds on the backend's clock (wall-clock
/// seconds for llama.cpp, simulated seconds for the simulator). Members below "scheduler-owned" are touched only by
/// the backend's step loop; callers see the <see cref="ISequence"/> surface.
/// </summary>
public sealed class ScheduledSequence : ISequence
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

    internal ScheduledSequence(SequenceRequest request, long order, int maxNewTokens, double scheduledAt, Action signal)
    {
        Request = request;
        Order = order;
        MaxNewTokens = maxNewTokens;
        ScheduledAt = scheduledAt;
        _signal = signal;
        History = new List<int>(request.Prefix.Length + Math.Min(maxNewTokens, 256));
        History.AddRange(request.Prefix);
    }

    public Guid Id => Request.Id;

    public ChannelReader<int> Tokens => _tokens.Reader;

    public Task<SequenceOutcome> Completion => _completion.Task;

    public SequenceRequest Request { get; }

    /// <summary>FIFO order among sequences of equal priority.</summary>
    public long Order { get; }

    /// <summary>The request's limit, capped to what fits the context.</summary>
    public int MaxNewTokens { get; }

    public bool CancelRequested => Volatile.Read(ref _cancelRequested) != 0;

    public double ScheduledAt { get; }

    // Scheduler-owned state.

    /// <summary>Prefix plus generated tokens; the token at index p sits at KV position p.</summary>
    public List<int> History { get; }

    /// <summary>The slot, which is also the lane (sequence id) of its KV cells; -1 while waiting.</summary>
    public int Slot { get; internal set; } = -1;

    /// <summary>Prompt tokens already in the KV cache (cached or computed).</summary>
    public int PrefillDone { get; internal set; }

    /// <summary>Tokens in the KV cache: the next position to write.</summary>
    public int Position { get; internal set; }

    /// <summary>Prompt tokens taken from the prefix cache at admission.</summary>
    public int CachedTokens { get; internal set; }

    public int Generated { get; private set; }

    public bool Decoding => PrefillDone >= Request.Prefix.Length;

    /// <summary>The backend's per-sequence state (<see cref="IStepExecutor.CreateState"/>).</summary>
    public IDisposable? ExecutorState { get; internal set; }

    internal List<KvBlock> Blocks { get; } = [];

    /// <summary>Hashes of this sequence's full blocks, in order (registered or not).</summary>
    internal List<ulong> BlockHashes { get; } = [];

    /// <summary>Hashes of the prompt's full blocks, computed when it was scheduled.</summary>
    internal ulong[] PromptHashes { get; set; } = [];

    /// <summary>Prompt tokens expected to need computing, as the cache looked when the sequence was scheduled.</summary>
    internal int ExpectedUncached { get; set; }

    /// <summary>Blocks promised at admission and not allocated yet.</summary>
    internal int ReservedBlocks { get; set; }

    internal double AdmittedAt { get; set; } = -1;

    internal double PrefillEndedAt { get; set; } = -1;

    internal double FirstTokenAt { get; private set; }

    internal double LastTokenAt { get; private set; }

    internal List<float> InterTokenSeconds { get; } = [];

    public void Cancel()
    {
        if (Interlocked.Exchange(ref _cancelRequested, 1) == 0)
        {
            _signal();
        }
    }

    internal void Emit(int token, double now)
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
        History.Add(token);
        _tokens.Writer.TryWrite(token);
    }

    /// <summary>Ends the sequence: completes the token stream, then the outcome. Later calls do nothing.</summary>
    internal void Complete(FinishReason reason, string? error, double now)
    {
        if (_completion.Task.IsCompleted)
        {
            return;
        }

        ExecutorState?.Dispose();
        ExecutorState = null;
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
            Error: error,
            CachedTokens: CachedTokens);
        _tokens.Writer.TryComplete();
        _completion.TrySetResult(outcome);
    }
}
