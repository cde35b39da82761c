using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Suite.Contracts;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Streaming;
using Suite.ServiceDefaults.Errors;
using Suite.ServiceDefaults.Pipeline;

namespace Suite.ModelWorker.Hosting;

/// <summary>
/// The worker's live state: the loaded backend, the sequences it is streaming, and latency averages. Consumers hand
/// work to it; it runs one <see cref="StreamPump"/> per sequence so the consumer returns at once.
/// </summary>
public sealed partial class WorkerRuntime(WorkerIdentity identity, IPipelineSender sender, Microsoft.Extensions.Options.IOptions<ModelWorkerOptions> options, ILogger<WorkerRuntime> logger)
{
    private readonly ReplyBatcher _batcher = new(sender);
    private readonly ConcurrentDictionary<Guid, HeldSequence> _active = new();
    private readonly ConcurrentDictionary<HeldSequence, Task> _pumps = new();
    private readonly CancelledAttempts _cancelled = new();
    private readonly Lock _gate = new();
    private volatile IInferenceBackend? _backend;
    private long _received;

    public WorkerIdentity Identity { get; } = identity;

    public LatencyAverages Latency { get; } = new();

    public IInferenceBackend? Backend => _backend;

    public int ActiveStreams => _active.Count;

    internal void Attach(IInferenceBackend backend) => _backend = backend;

    /// <summary>
    /// Schedules a sequence and starts streaming it to the reply address. One request is held at most once: a newer
    /// attempt of a request this worker still runs replaces it (the old one is cancelled), and an attempt that is not
    /// newer than the one held, or was already cancelled, is dropped.
    /// </summary>
    public async Task StartAsync(GenerateTokens request, CancellationToken cancellationToken)
    {
        try
        {
            await StartCoreAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Scheduled, refused or dropped: no longer on its way here (what the heartbeat's ReceivedRequests tells the router).
            Interlocked.Increment(ref _received);
        }
    }

    /// <summary>Generation commands taken in since the worker started: scheduled, refused or dropped.</summary>
    public long ReceivedRequests => Interlocked.Read(ref _received);

    private async Task StartCoreAsync(GenerateTokens request, CancellationToken cancellationToken)
    {
        var backend = _backend;
        if (backend is null)
        {
            await sender.SendAsync(request.ReplyAddress, Failure(request, PipelineErrors.WorkerLoading), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!string.Equals(request.Model, backend.Model.Id, StringComparison.Ordinal))
        {
            await sender.SendAsync(request.ReplyAddress, Failure(request, PipelineErrors.ModelNotServedHere(request.Model, Identity.WorkerId)), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        if (request.Sampling.IsConstrained && !backend.Info.ConstrainedDecoding)
        {
            var param = request.Sampling.Grammar is not null ? "response_format" : "logit_bias";
            await sender.SendAsync(request.ReplyAddress, Failure(request, PipelineErrors.ConstrainedDecodingUnsupported(backend.Info.Name, backend.Info.Simulated, Identity.WorkerId, param)), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        var attempt = request.Continuation.Attempt;
        var generated = request.Continuation.GeneratedTokens;
        var prefix = generated.Length == 0 ? request.PromptTokens : [.. request.PromptTokens, .. generated];
        var maxNew = request.Limits.MaxTokens is { } max ? Math.Max(0, max - generated.Length) : int.MaxValue;
        HeldSequence held;
        lock (_gate)
        {
            if (_cancelled.IsCancelled(request.RequestId, attempt))
            {
                LogDroppedCancelled(logger, request.RequestId, attempt);
                return;
            }

            if (_active.TryGetValue(request.RequestId, out var current))
            {
                if (current.Attempt >= attempt)
                {
                    LogDroppedDuplicate(logger, request.RequestId, attempt, current.Attempt);
                    return;
                }

                LogReplacedAttempt(logger, request.RequestId, current.Attempt, attempt);
                current.Sequence.Cancel();
            }

            ISequence sequence;
            var activity = Tracing.WorkerTracing.StartGenerate(request, Identity, backend.Info);
            try
            {
                sequence = backend.Schedule(new SequenceRequest(request.RequestId, prefix, request.Sampling, maxNew, request.Limits.IgnoreEos, request.Priority, generated.Length));
            }
            catch (BackendFullException e)
            {
                activity?.Dispose();
                _ = SendQuietlyAsync(request.ReplyAddress, Failure(request, PipelineErrors.WorkerOverloaded(e.Message)));
                return;
            }
            catch (ConstraintRejectedException e)
            {
                activity?.Dispose();
                _ = SendQuietlyAsync(request.ReplyAddress, Failure(request, PipelineErrors.Invalid(e.Message, e.Parameter, "invalid_value")));
                return;
            }
            catch (ArgumentException e)
            {
                activity?.Dispose();
                _ = SendQuietlyAsync(request.ReplyAddress, Failure(request, PipelineErrors.Invalid(e.Message, "messages", "context_length_exceeded")));
                return;
            }

            held = new HeldSequence(request.RequestId, attempt, request.ReplyAddress, sequence, activity);
            _active[request.RequestId] = held;
        }

        var pump = new StreamPump(request, held, backend, Identity, sender, Latency, TimeSpan.FromMilliseconds(options.Value.MinChunkIntervalMilliseconds), _batcher);
        var running = RunPumpAsync(held, pump);
        _pumps[held] = running;
        if (running.IsCompleted)
        {
            _pumps.TryRemove(held, out _);
        }
    }

    /// <summary>
    /// Cancels the request's attempts up to <paramref name="upToAttempt"/> (all when null) if this worker holds one,
    /// and remembers the cancellation so a command for such an attempt that arrives later is dropped.
    /// </summary>
    public bool Cancel(Guid requestId, int? upToAttempt = null)
    {
        lock (_gate)
        {
            _cancelled.Add(requestId, upToAttempt);
            if (_active.TryGetValue(requestId, out var held) && (upToAttempt is null || held.Attempt <= upToAttempt))
            {
                held.Sequence.Cancel();
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Until stopped: every <paramref name="interval"/>, tells each gateway which of its requests this worker holds
    /// without having sent them anything during the last interval (queued for a slot, or in a long prefill).
    /// </summary>
    public async Task AnnouncePendingAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            // Half the interval: a sequence last heard just after a tick is announced at the next one, so the gateway
            // hears about every held request at least every 1.5 intervals.
            foreach (var group in _active.Values.Where(h => h.SinceLastSent >= interval / 2).GroupBy(h => h.ReplyAddress))
            {
                var pending = group.Select(h => new PendingGeneration(h.RequestId, h.Attempt)).ToArray();
                // Bounded like heartbeats: a send begun while the broker is down must not hold the loop once it is back.
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(interval);
                try
                {
                    await sender.SendAsync(group.Key, new GenerationsPending(Identity.WorkerId, pending), cancellationToken: timeout.Token).ConfigureAwait(false);
                    foreach (var held in group)
                    {
                        held.MarkSent();
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogPendingNoticeFailed(logger, group.Key, e.Message);
                }
            }
        }
    }

    /// <summary>On shutdown: cancel every stream and wait (bounded) for their final messages.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        foreach (var held in _active.Values)
        {
            held.Sequence.Cancel();
        }

        await Task.WhenAny(Task.WhenAll(_pumps.Values), Task.Delay(timeout)).ConfigureAwait(false);
    }

    private async Task RunPumpAsync(HeldSequence held, StreamPump pump)
    {
        try
        {
            await pump.RunAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Nobody can receive this stream any more (e.g. the broker went away): free the slot; the gateway
            // resumes the request from what it received.
            held.Sequence.Cancel();
            LogPumpFailed(logger, e, held.RequestId);
        }
        finally
        {
            // Only this attempt's entries: a newer attempt of the same request may already have replaced them.
            _active.TryRemove(KeyValuePair.Create(held.RequestId, held));
            _pumps.TryRemove(held, out _);
        }
    }

    private async Task SendQuietlyAsync(Uri address, GenerationFailed failure)
    {
        try
        {
            await sender.SendAsync(address, failure).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogPendingNoticeFailed(logger, address, e.Message);
        }
    }

    private GenerationFailed Failure(GenerateTokens request, PipelineError error) => new(request.RequestId, error, Identity.WorkerId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream of request {RequestId} failed")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception, Guid requestId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId}: attempt {Attempt} was already cancelled; dropped")]
    private static partial void LogDroppedCancelled(ILogger logger, Guid requestId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId}: attempt {Attempt} is not newer than attempt {Held} held here; dropped")]
    private static partial void LogDroppedDuplicate(ILogger logger, Guid requestId, int attempt, int held);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId}: attempt {Attempt} replaces attempt {Old}, which is cancelled")]
    private static partial void LogReplacedAttempt(ILogger logger, Guid requestId, int old, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell {Address} about its pending requests: {Reason}")]
    private static partial void LogPendingNoticeFailed(ILogger logger, Uri address, string reason);
}
