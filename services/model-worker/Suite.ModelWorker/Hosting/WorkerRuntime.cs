using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Suite.Contracts;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Streaming;
using Suite.ServiceDefaults.Bus.HotPath;

namespace Suite.ModelWorker.Hosting;

/// <summary>
/// The worker's live state: the loaded backend, the sequences it is streaming, and latency averages. Consumers hand
/// work to it; it runs one <see cref="StreamPump"/> per sequence so the consumer returns at once.
/// </summary>
public sealed partial class WorkerRuntime(WorkerIdentity identity, IPipelineSender sender, Microsoft.Extensions.Options.IOptions<ModelWorkerOptions> options, ILogger<WorkerRuntime> logger)
{
    private readonly ReplyBatcher _batcher = new(sender);
    private readonly ConcurrentDictionary<Guid, (ISequence Sequence, int Attempt)> _active = new();
    private readonly ConcurrentDictionary<Guid, Task> _pumps = new();
    private volatile IInferenceBackend? _backend;

    public WorkerIdentity Identity { get; } = identity;

    public LatencyAverages Latency { get; } = new();

    public IInferenceBackend? Backend => _backend;

    public int ActiveStreams => _active.Count;

    internal void Attach(IInferenceBackend backend) => _backend = backend;

    /// <summary>Schedules a sequence and starts streaming it to the reply address.</summary>
    public async Task StartAsync(GenerateTokens request, CancellationToken cancellationToken)
    {
        var backend = _backend;
        if (backend is null)
        {
            await sender.SendAsync(request.ReplyAddress, Failure(request, 503, "service_unavailable", "The worker is still loading its model.", retryAfter: 2), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!string.Equals(request.Model, backend.Model.Id, StringComparison.Ordinal))
        {
            await sender.SendAsync(request.ReplyAddress, Failure(request, 404, "invalid_request_error", $"The model '{request.Model}' is not served by worker {Identity.WorkerId}.", code: "model_not_found"), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        var generated = request.Continuation.GeneratedTokens;
        var prefix = generated.Length == 0 ? request.PromptTokens : [.. request.PromptTokens, .. generated];
        var maxNew = request.Limits.MaxTokens is { } max ? Math.Max(0, max - generated.Length) : int.MaxValue;
        ISequence sequence;
        try
        {
            sequence = backend.Schedule(new SequenceRequest(request.RequestId, prefix, request.Sampling, maxNew, request.Limits.IgnoreEos, request.Priority));
        }
        catch (BackendFullException e)
        {
            await sender.SendAsync(request.ReplyAddress, Failure(request, 503, "service_unavailable", e.Message, retryAfter: 1, code: "worker_overloaded"), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (ArgumentException e)
        {
            await sender.SendAsync(request.ReplyAddress, Failure(request, 400, "invalid_request_error", e.Message, param: "messages", code: "context_length_exceeded"), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        _active[request.RequestId] = (sequence, request.Continuation.Attempt);
        var pump = new StreamPump(request, sequence, backend, Identity, sender, Latency, TimeSpan.FromMilliseconds(options.Value.MinChunkIntervalMilliseconds), _batcher);
        _pumps[request.RequestId] = RunPumpAsync(request.RequestId, sequence, pump);
    }

    /// <summary>Cancels a sequence this worker is running, if it is one of ours (and, if given, of that attempt or an earlier one).</summary>
    public bool Cancel(Guid requestId, int? upToAttempt = null)
    {
        if (_active.TryGetValue(requestId, out var active) && (upToAttempt is null || active.Attempt <= upToAttempt))
        {
            active.Sequence.Cancel();
            return true;
        }

        return false;
    }

    /// <summary>On shutdown: cancel every stream and wait (bounded) for their final messages.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        foreach (var (sequence, _) in _active.Values)
        {
            sequence.Cancel();
        }

        await Task.WhenAny(Task.WhenAll(_pumps.Values), Task.Delay(timeout)).ConfigureAwait(false);
    }

    private async Task RunPumpAsync(Guid requestId, ISequence sequence, StreamPump pump)
    {
        try
        {
            await pump.RunAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Nobody can receive this stream any more (e.g. the broker went away): free the slot; the gateway
            // resumes the request from what it received.
            sequence.Cancel();
            LogPumpFailed(logger, e, requestId);
        }
        finally
        {
            _active.TryRemove(requestId, out _);
            _pumps.TryRemove(requestId, out _);
        }
    }

    private GenerationFailed Failure(GenerateTokens request, int status, string type, string message, int? retryAfter = null, string? param = null, string? code = null)
        => new(request.RequestId, status, type, message, param, code, retryAfter, Identity.WorkerId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream of request {RequestId} failed")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception, Guid requestId);
}
