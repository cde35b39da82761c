using System.Diagnostics;
using System.Text;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Suite.Contracts;
using Suite.Contracts.Jobs;
using Suite.Gateway.Models;
using Suite.Gateway.OpenAi;
using Suite.Gateway.Streaming;

namespace Suite.Gateway.Jobs;

/// <summary>
/// Runs a queued job through the same pipeline as an HTTP request (tokenizer → router → worker, failover included).
/// The job message is acknowledged only after its result was sent, so a gateway that dies mid-job leaves it on the
/// queue for another; the registry makes a redelivered or resubmitted job join the run in progress instead of
/// starting a second one.
/// </summary>
public sealed partial class SubmitGenerationJobConsumer(
    GenerationClient client,
    ModelDirectory models,
    JobRegistry registry,
    IOptions<GatewayOptions> options,
    Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime,
    ILogger<SubmitGenerationJobConsumer> logger) : IConsumer<SubmitGenerationJob>
{
    private static readonly TimeSpan RetryWindow = TimeSpan.FromSeconds(120);

    public async Task Consume(ConsumeContext<SubmitGenerationJob> context)
    {
        var job = context.Message;
        var reply = await context.GetSendEndpoint(job.ReplyTo ?? throw new InvalidJobException("ReplyTo is required.")).ConfigureAwait(false);
        if (Validate(job) is { } problem)
        {
            await reply.Send(new GenerationJobFailed(job.JobId, 400, "invalid_request_error", problem, "invalid_job")).ConfigureAwait(false);
            throw new InvalidJobException(problem);
        }

        if (!registry.TryBegin(job.JobId, out var existing))
        {
            // Resubmitted or redelivered: never run twice. A finished job's result is sent again; a running one is
            // joined, and this delivery is acknowledged when that run ends.
            var previous = await existing.ConfigureAwait(false);
            if (previous is not null && context.ReceiveContext.Redelivered is false)
            {
                await SendWithRetryAsync(reply, previous).ConfigureAwait(false);
            }

            return;
        }

        if (!await models.IsServedAsync(job.Model, context.CancellationToken).ConfigureAwait(false))
        {
            registry.Forget(job.JobId);
            var message = $"The model '{job.Model}' does not exist.";
            await reply.Send(new GenerationJobFailed(job.JobId, 404, "invalid_request_error", message, "model_not_found")).ConfigureAwait(false);
            throw new InvalidJobException(message);
        }

        GenerationJobCompleted? result = null;
        try
        {
            // Not the delivery's token: a broker restart closes the channel, and the job should carry on through it
            // (its redelivery then joins this run instead of starting another).
            result = await RunAsync(job, reply, lifetime.ApplicationStopping).ConfigureAwait(false);
        }
        finally
        {
            if (result is null)
            {
                registry.Forget(job.JobId);
            }
            else
            {
                registry.Complete(job.JobId, result);
            }
        }
    }

    private async Task<GenerationJobCompleted?> RunAsync(SubmitGenerationJob job, ISendEndpoint reply, CancellationToken cancellationToken)
    {
        var kind = job.Input.Messages is null ? GenerationKind.Completion : GenerationKind.ChatCompletion;
        var request = new ParsedGeneration(kind, job.Model, job.Input, job.Sampling, job.Limits, Stream: false, IncludeUsage: false, job.Priority);
        var deadline = Stopwatch.GetTimestamp() + (long)(RetryWindow.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var (result, retryAfter) = await RunOnceAsync(job, request, reply, canWait: Stopwatch.GetTimestamp() < deadline, cancellationToken).ConfigureAwait(false);
            if (retryAfter is not { } wait)
            {
                return result;
            }

            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One pass through the pipeline; asks to be retried when nothing was produced and the fleet is busy or down.</summary>
    private async Task<(GenerationJobCompleted? Result, TimeSpan? RetryAfter)> RunOnceAsync(SubmitGenerationJob job, ParsedGeneration request, ISendEndpoint reply, bool canWait, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var chunkIndex = 0;
        var outcome = new RunOutcome(request, "queue:" + QueueNames.Jobs);
        await using var run = await client.StartAsync(request, Stopwatch.GetTimestamp(), cancellationToken).ConfigureAwait(false);
        try
        {
            while (await run.NextAsync(TimeSpan.FromSeconds(options.Value.StreamIdleTimeoutSeconds), cancellationToken).ConfigureAwait(false) is { } e)
            {
                switch (e)
                {
                    case TokensGenerated chunk:
                        outcome.Observe(chunk);
                        text.Append(chunk.Text);
                        if (job.StreamChunks)
                        {
                            await SendWithRetryAsync(reply, new GenerationJobChunk(job.JobId, chunkIndex++, chunk.Text, chunk.Tokens, chunk.WorkerId)).ConfigureAwait(false);
                        }

                        break;
                    case GenerationCompleted completed:
                        outcome.Observe(completed);
                        var result = new GenerationJobCompleted(job.JobId, text.ToString(), completed.FinishReason, completed.PromptTokens, completed.CompletionTokens, completed.WorkerId, completed.Backend, completed.Attempt, DateTimeOffset.UtcNow);
                        await SendWithRetryAsync(reply, result).ConfigureAwait(false);
                        return (result, null);
                    case GenerationFailed failed when failed.StatusCode is 503 or 429 && canWait && text.Length == 0:
                        // Nothing produced yet and the fleet is busy or down: a job can wait, unlike an HTTP client.
                        outcome.Status = failed.StatusCode;
                        LogJobWaiting(logger, job.JobId, failed.Message);
                        return (null, TimeSpan.FromSeconds(failed.RetryAfterSeconds ?? 1));
                    case GenerationFailed failed:
                        outcome.Status = failed.StatusCode;
                        await SendWithRetryAsync(reply, new GenerationJobFailed(job.JobId, failed.StatusCode, failed.Type, failed.Message, failed.Code)).ConfigureAwait(false);
                        return (null, null);
                }
            }

            return (null, null);
        }
        catch (TimeoutException) when (canWait)
        {
            outcome.Status = 504;
            return (null, TimeSpan.FromSeconds(1));
        }
        finally
        {
            run.Publish(outcome.ToEvent(run, Stopwatch.GetTimestamp()));
        }
    }

    private static string? Validate(SubmitGenerationJob job)
    {
        if (job.JobId == Guid.Empty)
        {
            return "JobId is required.";
        }

        if (string.IsNullOrWhiteSpace(job.Model))
        {
            return "Model is required.";
        }

        var input = job.Input;
        var given = (input?.Prompt is not null ? 1 : 0) + (input?.Messages is { Count: > 0 } ? 1 : 0) + (input?.PromptTokens is { Length: > 0 } ? 1 : 0);
        if (input is null || given != 1)
        {
            return "Input must have exactly one of Prompt, Messages or PromptTokens.";
        }

        if (job.Sampling is null || job.Sampling.Temperature is < 0 or > 2 || job.Sampling.TopP is <= 0 or > 1)
        {
            return "Sampling is required, with Temperature in 0–2 and TopP in (0, 1].";
        }

        if (job.Limits is null || job.Limits.MaxTokens is < 1)
        {
            return "Limits is required, with MaxTokens ≥ 1 when set.";
        }

        return job.Priority is < 0 or > 9 ? "Priority must be 0–9." : null;
    }

    /// <summary>Results must not be lost to a broker restart: keep trying for a while.</summary>
    private static async Task SendWithRetryAsync<T>(ISendEndpoint reply, T message)
        where T : class
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await reply.Send(message, context => context.Durable = true).ConfigureAwait(false);
                return;
            }
            catch (Exception) when (attempt < 60)
            {
                await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} waits: {Reason}")]
    private static partial void LogJobWaiting(ILogger logger, Guid jobId, string reason);
}
