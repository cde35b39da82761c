using System.Diagnostics;
using System.Threading.Channels;
using LLama.Native;
using Suite.Contracts;
using Suite.ModelWorker.Backends;

namespace Suite.ModelWorker.Engine;

/// <summary>
/// A sequence as the engine tracks it. Fields below "engine-owned" are touched only by the engine thread; callers see
/// the <see cref="ISequence"/> surface.
/// </summary>
internal sealed class EngineSequence : ISequence
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

    public EngineSequence(SequenceRequest request, long order, int maxNewTokens, Action signal)
    {
        Request = request;
        Order = order;
        MaxNewTokens = maxNewTokens;
        _signal = signal;
        ScheduledAt = Stopwatch.GetTimestamp();
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

    public bool IsCompleted => _completion.Task.IsCompleted;

    // Engine-owned state.
    public int Slot { get; set; } = -1;

    public SafeLLamaSamplerChainHandle? Sampler { get; set; }

    /// <summary>Prompt tokens already in the KV cache.</summary>
    public int PrefillDone { get; set; }

    /// <summary>Prompt tokens in the batch being decoded now.</summary>
    public int PrefillPending { get; set; }

    /// <summary>Tokens in the KV cache (the next position to write).</summary>
    public int Position { get; set; }

    public int LastToken { get; set; }

    public int Generated { get; set; }

    public bool Decoding => PrefillDone >= Request.Prefix.Length;

    public long ScheduledAt { get; }

    public long AdmittedAt { get; set; }

    public long PrefillEndedAt { get; set; }

    public long FirstTokenAt { get; set; }

    public long LastTokenAt { get; set; }

    public List<float> InterTokenSeconds { get; } = [];

    public void Cancel()
    {
        if (Interlocked.Exchange(ref _cancelRequested, 1) == 0)
        {
            _signal();
        }
    }

    public void Emit(int token, long now)
    {
        if (Generated == 0)
        {
            FirstTokenAt = now;
        }
        else
        {
            InterTokenSeconds.Add((float)Stopwatch.GetElapsedTime(LastTokenAt, now).TotalSeconds);
        }

        LastTokenAt = now;
        Generated++;
        LastToken = token;
        _tokens.Writer.TryWrite(token);
    }

    /// <summary>Ends the sequence: completes the token stream, then the outcome. Later calls do nothing.</summary>
    public void Complete(FinishReason reason, string? error = null)
    {
        if (_completion.Task.IsCompleted)
        {
            return;
        }

        Sampler?.Dispose();
        Sampler = null;
        var now = Stopwatch.GetTimestamp();
        var admitted = AdmittedAt == 0 ? now : AdmittedAt;
        var outcome = new SequenceOutcome(
            Reason: reason,
            PrefixTokens: Request.Prefix.Length,
            GeneratedTokens: Generated,
            QueueSeconds: Seconds(ScheduledAt, admitted),
            PrefillSeconds: PrefillEndedAt == 0 ? 0 : Seconds(admitted, PrefillEndedAt),
            FirstTokenSeconds: Generated == 0 ? 0 : Seconds(ScheduledAt, FirstTokenAt),
            DecodeSeconds: Generated == 0 ? 0 : Seconds(FirstTokenAt, LastTokenAt),
            InterTokenSeconds: [.. InterTokenSeconds],
            Error: error);
        _tokens.Writer.TryComplete();
        _completion.TrySetResult(outcome);
    }

    private static double Seconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalSeconds;
}
