using System.Diagnostics;
using Suite.Contracts;
using Suite.Gateway.Limits;

namespace Suite.Gateway.Sessions;

/// <summary>
/// One request in flight at the gateway, whoever asked for it: reads its events in order (chunks, then a completion
/// or a failure) with an idle timeout, records what happened (one <see cref="RequestCompleted"/> event and one trace
/// span), and when disposed before it finished, cancels it on the worker so the slot is freed.
/// </summary>
public sealed class GenerationSession : IAsyncDisposable
{
    private readonly GenerationSessions _owner;
    private readonly SessionOutcome _outcome;
    private int _disposed;

    internal GenerationSession(GenerationStream stream, GenerationRequest request, string endpoint, long acceptedTimestamp, GenerationSessions owner, AdmissionState admission)
    {
        Stream = stream;
        Request = request;
        Admission = admission;
        AcceptedTimestamp = acceptedTimestamp;
        _owner = owner;
        _outcome = new SessionOutcome(request, endpoint);
        Activity = GatewayTracing.StartGeneration(request, stream.RequestId);
        stream.TraceContext = Activity?.Context;
    }

    public Guid RequestId => Stream.RequestId;

    public GenerationRequest Request { get; }

    /// <summary>How admission treated the request: its caller, its reservation, the <c>x-ratelimit-*</c> figures for its response.</summary>
    public AdmissionState Admission { get; }

    public long AcceptedTimestamp { get; }

    public long? FirstTokenTimestamp { get; private set; }

    /// <summary>The status the request ended with, as HTTP names it (200, 499 when the client left, 504...).</summary>
    public int Status
    {
        get => _outcome.Status;
        set => _outcome.Status = value;
    }

    internal GenerationStream Stream { get; }

    internal Activity? Activity { get; }

    /// <summary>The next event, or null when the stream ended; throws <see cref="TimeoutException"/> after the idle timeout.</summary>
    public async ValueTask<object?> NextAsync(TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = await ReadAsync(idleTimeout, cancellationToken).ConfigureAwait(false);
            if (next is GenerationPrepared prepared)
            {
                // A request held for admission, encoded: the gateway's own step, not an event for the reader.
                await _owner.RouteHeldAsync(this, prepared, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return next is null ? null : Observe(next);
        }
    }

    /// <summary>True when another event is already waiting (so a writer can coalesce output).</summary>
    public bool HasPendingEvent => Stream.Events.TryPeek(out _);

    /// <summary>
    /// Reads the request to its end: the whole text and the completion or failure. <paramref name="onChunk"/> sees
    /// every chunk as it arrives (a job streams them to its producer).
    /// </summary>
    public async Task<SessionResult> CollectAsync(TimeSpan idleTimeout, Func<TokensGenerated, ValueTask>? onChunk, CancellationToken cancellationToken)
    {
        var text = new System.Text.StringBuilder();
        while (await NextAsync(idleTimeout, cancellationToken).ConfigureAwait(false) is { } e)
        {
            switch (e)
            {
                case TokensGenerated chunk:
                    text.Append(chunk.Text);
                    if (onChunk is not null)
                    {
                        await onChunk(chunk).ConfigureAwait(false);
                    }

                    break;
                case GenerationCompleted completed:
                    return new SessionResult(text.ToString(), completed, null);
                case GenerationFailed failed:
                    return new SessionResult(text.ToString(), null, failed);
            }
        }

        return new SessionResult(text.ToString(), null, null);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        _owner.Publish(_outcome.ToEvent(this, now));
        GatewayMetrics.Record(this, _outcome, now);
        GatewayTracing.EndGeneration(Activity, _outcome);
        await _owner.FinishAsync(this).ConfigureAwait(false);
        var prompt = _outcome.Completed?.PromptTokens ?? Admission.PromptTokens ?? 0;
        await _owner.LeaveAsync(this, _outcome.Backend.Length == 0 ? null : _outcome.Backend, _outcome.Status, prompt, _outcome.GeneratedTokens).ConfigureAwait(false);
    }

    internal double SecondsSinceAccepted(long timestamp) => (timestamp - AcceptedTimestamp) / (double)Stopwatch.Frequency;

    private async ValueTask<object?> ReadAsync(TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        var reader = Stream.Events;
        if (reader.TryRead(out var ready))
        {
            return ready;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(idleTimeout);
        try
        {
            if (await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false) && reader.TryRead(out var next))
            {
                return next;
            }

            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No progress from the pipeline for {idleTimeout.TotalSeconds:0} s.");
        }
    }

    private object Observe(object e)
    {
        switch (e)
        {
            case TokensGenerated chunk:
                if (FirstTokenTimestamp is null && chunk.Tokens.Length > 0)
                {
                    FirstTokenTimestamp = Stopwatch.GetTimestamp();
                    Activity?.AddEvent(new ActivityEvent("gen_ai.first_token"));
                }

                _outcome.Observe(chunk);
                break;
            case GenerationCompleted completed:
                _outcome.Observe(completed);
                break;
            case GenerationFailed failed:
                _outcome.Observe(failed);
                break;
        }

        return e;
    }
}
