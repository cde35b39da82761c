using System.Threading.Channels;
using Suite.Contracts;

namespace Suite.Gateway.Sessions;

/// <summary>
/// The gateway's view of one request in flight: it holds the tokens and text delivered so far, so that when a worker
/// dies the request continues elsewhere from exactly there. Chunks may be consumed out of order (the reply endpoint
/// runs consumers concurrently), so they are put back in order by index; only the current attempt's messages count.
/// The stream's activity (what the stall check reads) is in-order progress and the worker's pending notices.
/// Readers get <see cref="TokensGenerated"/>, then <see cref="GenerationCompleted"/> or <see cref="GenerationFailed"/>.
/// </summary>
public sealed class GenerationStream(PrepareGeneration request, double resumeWithinSeconds = 60)
{
    private readonly Channel<object> _events = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<int, TokensGenerated> _early = [];
    private readonly List<int> _tokens = [];
    private readonly List<string> _failedWorkers = [];
    private readonly Lock _lock = new();
    private int _attempt = 1;
    private int _next;
    private int _textLength;
    private GenerationCompleted? _completed;
    private bool _closed;
    private long _lastActivity = System.Diagnostics.Stopwatch.GetTimestamp();
    private long _lastDelivered = System.Diagnostics.Stopwatch.GetTimestamp();
    private long _resumeAt;
    private int _refusals;

    public Guid RequestId => request.RequestId;

    public PrepareGeneration Request => request;

    /// <summary>The request's trace (its gateway span), so a resumed attempt continues it.</summary>
    public System.Diagnostics.ActivityContext? TraceContext { get; set; }

    public ChannelReader<object> Events => _events.Reader;

    /// <summary>The worker serving the current attempt, once its first chunk arrived.</summary>
    public string? Worker { get; private set; }

    /// <summary>Seconds since the current attempt last made progress (or began).</summary>
    public double SecondsSinceActivity => System.Diagnostics.Stopwatch.GetElapsedTime(Volatile.Read(ref _lastActivity)).TotalSeconds;

    /// <summary>
    /// The router refused the current (resumed) attempt for now and the client already has part of the answer: due
    /// for another try once the refusal's Retry-After has passed (see <see cref="OnFailed"/>).
    /// </summary>
    public bool ResumeDue
    {
        get
        {
            var at = Volatile.Read(ref _resumeAt);
            return at != 0 && System.Diagnostics.Stopwatch.GetTimestamp() >= at;
        }
    }

    /// <summary>Why the current attempt was refused, while <see cref="ResumeDue"/> is pending.</summary>
    public string? RefusedReason { get; private set; }

    /// <summary>The current attempt's worker ended the sequence without finishing it.</summary>
    public bool AbandonedByWorker { get; private set; }

    public bool IsFinished
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    /// <summary>Bus messages that carried this request's chunks, a batch shared by k streams counting 1/k.</summary>
    public double MessageShare { get; private set; }

    public void OnChunk(TokensGenerated chunk, double messageShare)
    {
        lock (_lock)
        {
            if (_closed || chunk.Attempt != _attempt || chunk.Index < _next)
            {
                return;
            }

            MessageShare += messageShare;
            Worker ??= chunk.WorkerId;
            if (chunk.Index > _next)
            {
                _early[chunk.Index] = chunk;
                return;
            }

            Deliver(chunk);
            while (_early.Remove(_next, out var early))
            {
                Deliver(early);
            }

            TryFinish();
        }
    }

    /// <summary>
    /// The current attempt of a request held for admission came back encoded: the session's reader admits it and
    /// routes it (in its own task, not on the reply endpoint, which serves every request).
    /// </summary>
    public void OnPrepared(GenerationPrepared prepared)
    {
        lock (_lock)
        {
            if (_closed || prepared.Route.Continuation.Attempt != _attempt)
            {
                return;
            }

            Volatile.Write(ref _lastActivity, System.Diagnostics.Stopwatch.GetTimestamp());
            _events.Writer.TryWrite(prepared);
        }
    }

    /// <summary>
    /// The worker holding the current attempt says it is queued or prefilling: the stream is quiet, not lost. It also
    /// names the worker before any token arrived, so the worker's death is noticed.
    /// </summary>
    public void OnPending(string workerId, int attempt)
    {
        lock (_lock)
        {
            if (_closed || attempt != _attempt)
            {
                return;
            }

            Worker ??= workerId;
            Volatile.Write(ref _lastActivity, System.Diagnostics.Stopwatch.GetTimestamp());
        }
    }

    public void OnCompleted(GenerationCompleted completed)
    {
        lock (_lock)
        {
            if (completed.Attempt != _attempt)
            {
                return;
            }

            if (completed.FinishReason == FinishReason.Cancelled)
            {
                // The client is still here (else this stream would be gone): the worker gave the sequence up,
                // for example while shutting down. The failover monitor resumes it elsewhere.
                AbandonedByWorker = true;
                return;
            }

            Worker ??= completed.WorkerId;
            _completed = completed;
            TryFinish();
        }
    }

    public void OnFailed(GenerationFailed failed)
    {
        lock (_lock)
        {
            if (_closed || (failed.WorkerId is { } worker && _failedWorkers.Contains(worker)))
            {
                return;
            }

            // A refusal by the router (no worker, not a worker's error) that says to retry shortly, of a stream the
            // client already has part of: the answer cannot start over, so it waits and is resumed again, rather than
            // cut, while the fleet comes back (after a broker restart every worker looks dead until its heartbeats
            // return). Not past resumeWithinSeconds without progress; such tries do not count as attempts.
            if (failed.WorkerId is null && _tokens.Count > 0
                && failed.Error is { StatusCode: 503 or 429, RetryAfterSeconds: { } retryAfter }
                && System.Diagnostics.Stopwatch.GetElapsedTime(Volatile.Read(ref _lastDelivered)).TotalSeconds < resumeWithinSeconds)
            {
                _refusals++;
                RefusedReason = $"{failed.Error.Code ?? failed.Error.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {failed.Error.Message}";
                Volatile.Write(ref _resumeAt, System.Diagnostics.Stopwatch.GetTimestamp() + (long)(Math.Max(1, retryAfter) * System.Diagnostics.Stopwatch.Frequency));
                return;
            }

            _events.Writer.TryWrite(failed);
            Close();
        }
    }

    /// <summary>
    /// Abandons the current attempt (its worker died) and returns the command that resumes the request elsewhere, or
    /// null when the stream already finished or ran out of attempts.
    /// </summary>
    public PrepareGeneration? BeginNextAttempt(int maxAttempts, out string? failedWorker, out int failedAttempt)
    {
        lock (_lock)
        {
            failedWorker = Worker;
            failedAttempt = _attempt;
            if (_closed || _attempt - _refusals >= maxAttempts)
            {
                return null;
            }

            Volatile.Write(ref _resumeAt, 0);
            RefusedReason = null;

            if (Worker is { } worker)
            {
                _failedWorkers.Add(worker);
            }

            // Only the worker that just failed is avoided: one that died earlier and came back (after a broker
            // restart every worker looks dead for a while) is fair game again; the router drops dead ones itself.
            IReadOnlyList<string> exclude = Worker is { } last ? [last] : [];

            _attempt++;
            _next = 0;
            _early.Clear();
            _completed = null;
            Worker = null;
            AbandonedByWorker = false;
            Volatile.Write(ref _lastActivity, System.Diagnostics.Stopwatch.GetTimestamp());
            return request with
            {
                Continuation = new Continuation([.. _tokens], _textLength, _attempt, exclude),
            };
        }
    }

    /// <summary>Ends the stream with an error (for example, no attempts left).</summary>
    public void Fail(GenerationFailed failed)
    {
        lock (_lock)
        {
            if (!_closed)
            {
                _events.Writer.TryWrite(failed);
                Close();
            }
        }
    }

    // Progress is what was delivered in order: chunks that arrive after a gap (a lost message) do not count, so a
    // stream stuck behind a missing chunk is resumed by the stall check instead of waiting forever.
    private void Deliver(TokensGenerated chunk)
    {
        Volatile.Write(ref _lastActivity, System.Diagnostics.Stopwatch.GetTimestamp());
        Volatile.Write(ref _lastDelivered, System.Diagnostics.Stopwatch.GetTimestamp());
        _events.Writer.TryWrite(chunk);
        _tokens.AddRange(chunk.Tokens);
        _textLength += chunk.Text.Length;
        _next++;
    }

    private void TryFinish()
    {
        if (!_closed && _completed is not null && _next >= _completed.ChunkCount)
        {
            _events.Writer.TryWrite(_completed);
            Close();
        }
    }

    private void Close()
    {
        _closed = true;
        _events.Writer.TryComplete();
    }
}
