using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Suite.Contracts;
using Suite.Gateway.Models;
using Suite.Gateway.Streaming;

namespace Suite.Gateway.OpenAi;

/// <summary>
/// Serves one /v1/chat/completions or /v1/completions request: validates, sends it into the pipeline, waits for the
/// first event (so an error is still a proper HTTP status), then streams SSE or returns one JSON body. A client that
/// disconnects cancels the sequence on its worker.
/// </summary>
public sealed partial class GenerationHandler(
    GenerationClient client,
    ModelDirectory models,
    ConcurrencyGate gate,
    FleetLiveness liveness,
    IOptions<GatewayOptions> options,
    ILogger<GenerationHandler> logger)
{
    private static readonly string[] RequiredServices = ["tokenizer", "router"];
    private readonly TimeSpan _idleTimeout = TimeSpan.FromSeconds(options.Value.StreamIdleTimeoutSeconds);

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

        var (request, invalid) = RequestParser.Parse(body, kind);
        if (invalid is not null)
        {
            await ErrorWriter.WriteAsync(context, invalid).ConfigureAwait(false);
            return;
        }

        foreach (var service in RequiredServices)
        {
            if (!liveness.IsServiceUp(service))
            {
                await ErrorWriter.WriteAsync(context, new OpenAiError(503, "service_unavailable", $"The {service} service is down; retry shortly.", null, $"{service}_unavailable", 2)).ConfigureAwait(false);
                return;
            }
        }

        bool served;
        try
        {
            served = await models.IsServedAsync(request!.Model, aborted).ConfigureAwait(false);
        }
        catch (MassTransit.RequestTimeoutException)
        {
            await ErrorWriter.WriteAsync(context, OpenAiError.RouterUnavailable).ConfigureAwait(false);
            return;
        }

        if (!served)
        {
            await ErrorWriter.WriteAsync(context, OpenAiError.ModelNotFound(request.Model)).ConfigureAwait(false);
            return;
        }

        if (!gate.TryEnter())
        {
            await ErrorWriter.WriteAsync(context, new OpenAiError(429, "rate_limit_exceeded", $"The gateway has {options.Value.MaxConcurrentRequests} requests in flight; retry shortly.", null, "rate_limit_exceeded", 1)).ConfigureAwait(false);
            return;
        }

        try
        {
            await using var run = await client.StartAsync(request, accepted, aborted).ConfigureAwait(false);
            var outcome = new RunOutcome(request, context.Request.Path);
            try
            {
                if (request.Stream)
                {
                    await StreamAsync(context, request, run, outcome).ConfigureAwait(false);
                }
                else
                {
                    await RespondAsync(context, request, run, outcome).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                outcome.Status = 499;
            }
            catch (TimeoutException e)
            {
                outcome.Status = 504;
                await WriteLateErrorAsync(context, new OpenAiError(504, "timeout", e.Message, null, "pipeline_timeout", 1)).ConfigureAwait(false);
            }

            run.Publish(outcome.ToEvent(run, Stopwatch.GetTimestamp()));
        }
        finally
        {
            gate.Exit();
        }
    }

    private async Task RespondAsync(HttpContext context, ParsedGeneration request, GenerationRun run, RunOutcome outcome)
    {
        var text = new StringBuilder();
        while (await run.NextAsync(_idleTimeout, context.RequestAborted).ConfigureAwait(false) is { } e)
        {
            switch (e)
            {
                case TokensGenerated chunk:
                    outcome.Observe(chunk);
                    text.Append(chunk.Text);
                    break;
                case GenerationFailed failed:
                    outcome.Status = failed.StatusCode;
                    await ErrorWriter.WriteAsync(context, ToError(failed)).ConfigureAwait(false);
                    return;
                case GenerationCompleted completed:
                    outcome.Observe(completed);
                    SetWorkerHeaders(context.Response, completed.WorkerId, completed.Backend, completed.Simulated, completed.Route);
                    var writer = ResponseWriter.For(request.Kind, request.Model);
                    context.Response.ContentType = "application/json";
                    await using (var json = JsonOutput.Create(context.Response.Body))
                    {
                        writer.WriteComplete(json, text.ToString(), ResponseWriter.FinishReasonText(completed.FinishReason), completed.PromptTokens, completed.CompletionTokens, completed.CachedTokens);
                        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                    }

                    return;
            }
        }
    }

    private async Task StreamAsync(HttpContext context, ParsedGeneration request, GenerationRun run, RunOutcome outcome)
    {
        var aborted = context.RequestAborted;
        var writer = ResponseWriter.For(request.Kind, request.Model);
        var sse = new SseWriter(context.Response);
        var chat = request.Kind == GenerationKind.ChatCompletion;
        while (await run.NextAsync(_idleTimeout, aborted).ConfigureAwait(false) is { } e)
        {
            if (e is GenerationFailed failed)
            {
                outcome.Status = failed.StatusCode;
                if (!sse.Started)
                {
                    await ErrorWriter.WriteAsync(context, ToError(failed)).ConfigureAwait(false);
                    return;
                }

                sse.Add(json => ErrorWriter.WriteBody(json, ToError(failed)));
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
                outcome.Observe(chunk);
                if (chunk.Text.Length > 0)
                {
                    sse.Add(json => writer.WriteChunk(json, chunk.Text, withRole: false, null, request.IncludeUsage));
                }

                // Send what is pending unless more is already waiting: under load this coalesces writes.
                if (!run.Stream.Events.TryPeek(out _))
                {
                    await sse.FlushAsync(aborted).ConfigureAwait(false);
                }
            }
            else if (e is GenerationCompleted completed)
            {
                outcome.Observe(completed);
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

    private async Task WriteLateErrorAsync(HttpContext context, OpenAiError error)
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

    private static void SetWorkerHeaders(HttpResponse response, string workerId, string backend, bool? simulated, RouteDecision? route = null)
    {
        response.Headers["X-Suite-Worker"] = workerId;
        response.Headers["X-Suite-Backend"] = backend;
        if (route is not null)
        {
            // Why the router chose this worker: its predicted time to first token, the cached prefix it holds, the runner-up.
            response.Headers["X-Suite-Route"] = string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"policy={route.Policy}; worker={route.WorkerId}; predicted_ttft_ms={route.PredictedTtftSeconds * 1000:0.###}; cached_tokens={route.CachedTokens}; runner_up={route.RunnerUpWorkerId ?? "none"}; runner_up_ttft_ms={(route.RunnerUpTtftSeconds is { } r ? (r * 1000).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "none")}");
        }
        if (simulated == true || backend == "sim")
        {
            response.Headers["X-Suite-Simulated"] = "true";
        }
    }

    private static OpenAiError ToError(GenerationFailed failed)
        => new(failed.StatusCode, failed.Type, failed.Message, failed.Param, failed.Code, failed.RetryAfterSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request timed out in the pipeline: {Reason}")]
    private static partial void LogPipelineTimeout(ILogger logger, string reason);
}
