using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Suite.Contracts;
using Suite.Gateway.Edge;
using Suite.Gateway.Models;
using Suite.Gateway.Sessions;
using Suite.Gateway.Tenancy;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.OpenAi;

/// <summary>
/// Serves one /v1/chat/completions or /v1/completions request: validates, starts a session, waits for the first event
/// (so an error is still a proper HTTP status), then streams SSE or returns one JSON body. A client that disconnects
/// cancels the sequence on its worker. The request carries its caller (from the API key), so the session enforces the
/// caller's models, placement, limits and fair share; the response carries OpenAI's <c>x-ratelimit-*</c> headers.
/// </summary>
public sealed partial class GenerationHandler(
    GenerationSessions sessions,
    ModelDirectory models,
    ConcurrencyGate gate,
    FleetLiveness liveness,
    IOptions<GatewayOptions> options,
    ILogger<GenerationHandler> logger)
{
    private static readonly string[] RequiredServices = ["tokenizer", "router"];
    private readonly TimeSpan _idleTimeout = TimeSpan.FromSeconds(options.Value.StreamIdleTimeoutSeconds);
    private readonly bool _routingHeaders = options.Value.RoutingHeaders;

    public async Task HandleAsync(HttpContext context, GenerationKind kind)
    {
        var accepted = Stopwatch.GetTimestamp();
        var aborted = context.RequestAborted;
        var (body, parseError) = await RequestBody.ReadAsync(context).ConfigureAwait(false);
        if (parseError is not null)
        {
            await ErrorWriter.WriteAsync(context, parseError).ConfigureAwait(false);
            return;
        }

        var (parsed, invalid) = RequestParser.Parse(body, kind);
        if (invalid is not null)
        {
            await ErrorWriter.WriteAsync(context, invalid).ConfigureAwait(false);
            return;
        }

        var caller = context.Caller();
        var request = parsed!.Request with { Caller = caller };
        if (await AdmitAsync(context, request).ConfigureAwait(false) is { } refused)
        {
            await ErrorWriter.WriteAsync(context, refused).ConfigureAwait(false);
            return;
        }

        GenerationSession session;
        try
        {
            session = await sessions.StartAsync(request, context.Request.Path, accepted, aborted).ConfigureAwait(false);
            EdgeRecorder.Recorded(context);
            RateLimitContext.Of(context)?.FromAdmission(() => session.Admission.RateLimits);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            gate.Exit();
            return;
        }
        catch (Exception e)
        {
            gate.Exit();
            LogPipelineUnavailable(logger, e.Message);
            await ErrorWriter.WriteAsync(context, PipelineErrors.PipelineUnavailable).ConfigureAwait(false);
            return;
        }

        try
        {
            await using (session.ConfigureAwait(false))
            {
                try
                {
                    if (parsed.Stream)
                    {
                        await StreamAsync(context, parsed, session).ConfigureAwait(false);
                    }
                    else
                    {
                        await RespondAsync(context, parsed, session).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (aborted.IsCancellationRequested)
                {
                    session.Status = 499;
                }
                catch (TimeoutException e)
                {
                    session.Status = 504;
                    await WriteLateErrorAsync(context, PipelineErrors.PipelineTimeout(e.Message)).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            gate.Exit();
        }
    }

    /// <summary>The checks before a request may enter the pipeline; on success the caller holds a place in the gate.</summary>
    private async Task<PipelineError?> AdmitAsync(HttpContext context, GenerationRequest request)
    {
        if (request.Caller is { } caller && !caller.Access.AllowsModel(request.Model))
        {
            // The same answer as for a model nobody serves: a key does not learn what other tenants may use.
            return PipelineErrors.ModelNotFound(request.Model);
        }

        foreach (var service in RequiredServices)
        {
            if (!liveness.IsServiceUp(service))
            {
                return PipelineErrors.ServiceDown(service);
            }
        }

        try
        {
            if (!await models.IsServedAsync(request.Model, context.RequestAborted).ConfigureAwait(false))
            {
                return PipelineErrors.ModelNotFound(request.Model);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // A timeout, or the broker reconnecting: the router could not be asked. The client may retry at once.
            LogModelLookupFailed(logger, e.Message);
            return PipelineErrors.RouterUnavailable;
        }

        return gate.TryEnter() ? null : PipelineErrors.GatewayBusy(options.Value.MaxConcurrentRequests);
    }

    private async Task RespondAsync(HttpContext context, ParsedGeneration request, GenerationSession session)
    {
        var result = await session.CollectAsync(_idleTimeout, onChunk: null, context.RequestAborted).ConfigureAwait(false);
        if (result.Failed is { } failed)
        {
            await ErrorWriter.WriteAsync(context, failed.Error).ConfigureAwait(false);
            return;
        }

        if (result.Completed is not { } completed)
        {
            return;
        }

        SetWorkerHeaders(context.Response, completed.WorkerId, completed.Backend, completed.Simulated, completed.Route);
        var writer = ResponseWriter.For(request.Kind, request.Model);
        context.Response.ContentType = "application/json";
        await using var json = JsonOutput.Create(context.Response.Body);
        writer.WriteComplete(json, result.Text, ResponseWriter.FinishReasonText(completed.FinishReason), completed.PromptTokens, completed.CompletionTokens, completed.CachedTokens);
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private async Task StreamAsync(HttpContext context, ParsedGeneration request, GenerationSession session)
    {
        var aborted = context.RequestAborted;
        var writer = ResponseWriter.For(request.Kind, request.Model);
        var sse = new SseWriter(context.Response);
        var chat = request.Kind == GenerationKind.ChatCompletion;
        while (await session.NextAsync(_idleTimeout, aborted).ConfigureAwait(false) is { } e)
        {
            if (e is GenerationFailed failed)
            {
                if (!sse.Started)
                {
                    await ErrorWriter.WriteAsync(context, failed.Error).ConfigureAwait(false);
                    return;
                }

                sse.Add(json => ErrorWriter.WriteBody(json, failed.Error));
                sse.AddDone();
                await sse.FlushAsync(aborted).ConfigureAwait(false);
                return;
            }

            if (!sse.Started)
            {
                // Headers go out with the first event, so a request refused downstream still gets its status code.
                if (e is TokensGenerated first)
                {
                    SetWorkerHeaders(context.Response, first.WorkerId, first.Backend, simulated: null, first.Route);
                }

                sse.Start();
                if (chat)
                {
                    sse.Add(json => writer.WriteChunk(json, string.Empty, withRole: true, null, request.IncludeUsage));
                }
            }

            if (e is TokensGenerated chunk)
            {
                if (chunk.Text.Length > 0)
                {
                    sse.Add(json => writer.WriteChunk(json, chunk.Text, withRole: false, null, request.IncludeUsage));
                }

                // Send what is pending unless more is already waiting: under load this coalesces writes.
                if (!session.HasPendingEvent)
                {
                    await sse.FlushAsync(aborted).ConfigureAwait(false);
                }
            }
            else if (e is GenerationCompleted completed)
            {
                var finish = ResponseWriter.FinishReasonText(completed.FinishReason);
                sse.Add(json => writer.WriteChunk(json, chat ? null : string.Empty, withRole: false, finish, request.IncludeUsage));
                if (request.IncludeUsage)
                {
                    sse.Add(json => writer.WriteUsageChunk(json, completed.PromptTokens, completed.CompletionTokens, completed.CachedTokens));
                }

                sse.AddDone();
                await sse.FlushAsync(aborted).ConfigureAwait(false);
                return;
            }
        }
    }

    private async Task WriteLateErrorAsync(HttpContext context, PipelineError error)
    {
        LogPipelineTimeout(logger, error.Message);
        if (!context.Response.HasStarted)
        {
            await ErrorWriter.WriteAsync(context, error).ConfigureAwait(false);
            return;
        }

        var sse = new SseWriter(context.Response);
        sse.Add(json => ErrorWriter.WriteBody(json, error));
        sse.AddDone();
        await sse.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private void SetWorkerHeaders(HttpResponse response, string workerId, string backend, bool? simulated, RouteDecision? route = null)
    {
        response.Headers["X-Suite-Backend"] = backend;
        if (simulated == true || backend == "sim")
        {
            response.Headers["X-Suite-Simulated"] = "true";
        }

        if (!_routingHeaders)
        {
            return;
        }

        response.Headers["X-Suite-Worker"] = workerId;
        if (route is not null)
        {
            // Why the router chose this worker: its predicted time to first token, the cached prefix it holds, the runner-up.
            response.Headers["X-Suite-Route"] = string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"policy={route.Policy}; worker={route.WorkerId}; predicted_ttft_ms={route.PredictedTtftSeconds * 1000:0.###}; cached_tokens={route.CachedTokens}; runner_up={route.RunnerUpWorkerId ?? "none"}; runner_up_ttft_ms={(route.RunnerUpTtftSeconds is { } r ? (r * 1000).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "none")}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model list could not be fetched from the router: {Reason}")]
    private static partial void LogModelLookupFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A request could not enter the pipeline: {Reason}")]
    private static partial void LogPipelineUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request timed out in the pipeline: {Reason}")]
    private static partial void LogPipelineTimeout(ILogger logger, string reason);
}
