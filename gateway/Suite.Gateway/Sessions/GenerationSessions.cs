using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Suite.Contracts;
using Suite.Gateway.Limits;
using Suite.Gateway.Tenancy;
using Suite.ServiceDefaults.Bus;
using Suite.ServiceDefaults.Errors;
using Suite.ServiceDefaults.Pipeline;

namespace Suite.Gateway.Sessions;

/// <summary>
/// The one front door to the pipeline for every kind of client (TGI's <c>Infer</c>): starts a request (gateway →
/// tokenizer → router → worker), tracks its replies, and resumes it on another worker when its worker dies. The OpenAI
/// endpoints and the job runner both serve through it, and so every request passes the same admission (model access,
/// limits, fair share) and keeps its caller's placement on every attempt.
/// </summary>
public sealed partial class GenerationSessions(
    IBus bus,
    IPipelineSender sender,
    StreamRegistry registry,
    ReplyEndpoint reply,
    RequestAdmission admission,
    IOptions<GatewayOptions> options,
    IOptions<TenancyOptions> tenancy,
    ILogger<GenerationSessions> logger)
{
    // A command nobody consumed within this time is dropped by the broker: its client has long been answered 503/504.
    private static readonly TimeSpan CommandTimeToLive = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CancelPublishTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Admits <paramref name="request"/> and sends it into the pipeline. <paramref name="endpoint"/> names the door it
    /// came through (for telemetry), <paramref name="acceptedTimestamp"/> when it arrived (for time to first token).
    /// Under overload this waits for the caller's fair share of the fleet. A refused request's session yields its
    /// <see cref="GenerationFailed"/> (429, 404…) as its only event.
    /// </summary>
    public async Task<GenerationSession> StartAsync(GenerationRequest request, string endpoint, long acceptedTimestamp, CancellationToken cancellationToken)
    {
        var requestId = Guid.NewGuid();
        var caller = request.Caller ?? Caller.Anonymous;
        var admitted = await admission.EnterAsync(caller, request.Model, requestId, cancellationToken).ConfigureAwait(false);

        // A request that names no max_tokens stops at the configured cap, not at the end of the context.
        var limits = request.Limits.MaxTokens is null ? request.Limits with { DefaultMaxTokens = options.Value.DefaultMaxTokens } : request.Limits;
        var priority = request.Caller is { } c ? c.Priority(request.Priority, tenancy.Value) : request.Priority;
        var command = new PrepareGeneration(requestId, request.Model, request.Input, request.Sampling, limits, reply.Address, priority, DateTimeOffset.UtcNow, Continuation.First, caller.Placement, admitted.HoldForAdmission);
        var stream = registry.Open(command);
        var session = new GenerationSession(stream, request, endpoint, acceptedTimestamp, this, admitted);
        if (admitted.Refusal is { } refusal)
        {
            stream.Fail(new GenerationFailed(requestId, refusal, null));
            return session;
        }

        try
        {
            await SendAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            registry.Close(command.RequestId);
            session.Activity?.Dispose();
            await admission.LeaveAsync(admitted, null, 503, 0, 0).ConfigureAwait(false);
            throw;
        }

        return session;
    }

    /// <summary>
    /// A request held for its token count comes back encoded: the first time, its token limits admit it (or refuse it,
    /// which ends the stream); then it goes to the router. A failover of a held request passes here again, admitted.
    /// </summary>
    internal async Task RouteHeldAsync(GenerationSession session, GenerationPrepared prepared, CancellationToken cancellationToken)
    {
        var state = session.Admission;
        state.PromptTokens = prepared.Route.PromptTokens.Length;
        if (!state.Admitted)
        {
            if (await admission.AdmitPreparedAsync(state, session.RequestId, prepared.Route, cancellationToken).ConfigureAwait(false) is { } refusal)
            {
                session.Stream.Fail(new GenerationFailed(session.RequestId, refusal, null));
                return;
            }
        }

        try
        {
            await sender.SendAsync(PipelineAddresses.Router, prepared.Route, CommandTimeToLive, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The bus is down: the stream stays open and the stall timer resumes it.
            LogResumeFailed(logger, session.RequestId, e.Message);
        }
    }

    /// <summary>The request ended: its limits are settled, its place goes back, its usage is counted.</summary>
    internal Task LeaveAsync(GenerationSession session, string? backend, int status, int promptTokens, int completionTokens)
        => admission.LeaveAsync(session.Admission, backend, status, promptTokens, completionTokens);

    /// <summary>Resumes <paramref name="stream"/> on another worker from the tokens it already delivered.</summary>
    public async Task FailOverAsync(GenerationStream stream, string reason)
    {
        var next = stream.BeginNextAttempt(options.Value.MaxAttempts, out var failedWorker, out var failedAttempt);

        // Every replaced attempt is cancelled, whether or not a chunk had named its worker: a worker that is only slow
        // must not keep decoding a request served elsewhere. Only attempts up to the replaced one (on that worker, when
        // known): the resumed attempt may reach a worker before this event does.
        await PublishCancelAsync(new CancelGeneration(stream.RequestId, "failed over", failedWorker, failedAttempt)).ConfigureAwait(false);
        if (next is null)
        {
            stream.Fail(new GenerationFailed(stream.RequestId, PipelineErrors.WorkerLost(reason), failedWorker));
            return;
        }

        LogFailover(logger, stream.RequestId, reason, next.Continuation.Attempt, next.Continuation.GeneratedTokens.Length);
        try
        {
            // The resumed attempt continues the request's trace.
            using var resumed = stream.TraceContext is { } parent ? GatewayTracing.Source.StartActivity("failover", ActivityKind.Internal, parent) : null;
            resumed?.SetTag("suite.failover.reason", reason);
            resumed?.SetTag("suite.failover.attempt", next.Continuation.Attempt);
            await SendAsync(next, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The bus is down (a broker restart): the stream stays open and the stall timer tries again.
            LogResumeFailed(logger, stream.RequestId, e.Message);
        }
    }

    /// <summary>Ends tracking of a request; if it was still running (the client left), tells the workers to stop it.</summary>
    internal async ValueTask FinishAsync(GenerationSession session)
    {
        registry.Close(session.RequestId);
        if (!session.Stream.IsFinished)
        {
            await PublishCancelAsync(new CancelGeneration(session.RequestId, "client disconnected")).ConfigureAwait(false);
        }
    }

    internal void Publish(RequestCompleted completed) => _ = bus.Publish(completed);

    /// <summary>
    /// Bounded: during a broker outage a publish can wait for the connection, and neither the failover monitor (which
    /// serves every stream) nor a finished request may hang on it. A lost cancellation costs only decode time: the
    /// worker's stream then ends unheard, or is replaced by the next attempt.
    /// </summary>
    private async Task PublishCancelAsync(CancelGeneration cancel)
    {
        try
        {
            await bus.PublishWithinAsync(cancel, CancelPublishTimeout).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogCancelFailed(logger, cancel.RequestId, e.Message);
        }
    }

    private Task SendAsync(PrepareGeneration command, CancellationToken cancellationToken)
        => sender.SendAsync(PipelineAddresses.Tokenizer, command, CommandTimeToLive, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: the cancellation could not be published: {Reason}")]
    private static partial void LogCancelFailed(ILogger logger, Guid requestId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId} could not be resumed yet: {Reason}")]
    private static partial void LogResumeFailed(ILogger logger, Guid requestId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: {Reason}; resuming as attempt {Attempt} after {Tokens} tokens")]
    private static partial void LogFailover(ILogger logger, Guid requestId, string reason, int attempt, int tokens);
}
