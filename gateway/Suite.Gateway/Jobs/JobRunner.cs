using System.Diagnostics;
using System.Runtime.CompilerServices;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Suite.Contracts;
using Suite.Contracts.Jobs;
using Suite.Gateway.Models;
using Suite.Gateway.Sessions;
using Suite.Gateway.Tenancy;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.Jobs;

/// <summary>
/// Runs one queued job through the same pipeline as an HTTP request (tokenizer → router → worker, failover included)
/// until it has a result for its producer. Unlike an HTTP client, a job can wait: while the fleet is busy or down, or a
/// dependency is briefly unreachable (a request timeout, a broker reconnecting, a service not back yet), it is retried
/// with backoff within <see cref="GatewayOptions.JobRetryBudgetSeconds"/>; after that it is answered with
/// <see cref="GenerationJobFailed"/> naming the last reason. Only this gateway stopping gives a job up unanswered.
/// When the gateway asks for keys, a job runs as the tenant of the key it carries, under the same rules as that key's
/// HTTP requests; a missing or invalid key fails it with 401.
/// </summary>
public sealed partial class JobRunner(
    GenerationSessions sessions,
    ModelDirectory models,
    ITenantDirectory directory,
    IOptions<GatewayOptions> options,
    ILogger<JobRunner> logger)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one send to a producer may take before it is abandoned and tried again. After a broker restart a send
    /// can wait forever for a publisher confirm that never comes (RabbitMQ.Client 7.2.2, rabbitmq-dotnet-client issue
    /// #1930, also seen through MassTransit request/response); without a bound the job's run, and every redelivery
    /// that joins it, hangs silently while the producer waits.
    /// </summary>
    internal static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs <paramref name="job"/> (<paramref name="ingress"/>: the queue it came from, recorded as a request's path), sending its chunks (when asked for) to <paramref name="reply"/>; returns its result,
    /// to be sent with <see cref="DeliverResultAsync"/>, or null when this gateway stopped first.
    /// </summary>
    public async Task<JobResult?> RunAsync(SubmitGenerationJob job, IJobReply reply, string ingress, CancellationToken stopping)
    {
        var budget = TimeSpan.FromSeconds(options.Value.JobRetryBudgetSeconds);
        var started = Stopwatch.GetTimestamp();
        var backoff = TimeSpan.FromMilliseconds(250);
        var progress = new StrongBox<int>();
        for (var attempt = 1; ; attempt++)
        {
            string reason;
            TimeSpan wait;
            try
            {
                var pass = await RunOnceAsync(job, reply, ingress, progress, stopping).ConfigureAwait(false);
                if (pass.Result is { } result)
                {
                    return result;
                }

                (reason, wait) = (pass.RetryReason!, pass.RetryAfter ?? backoff);
            }
            catch (Exception e) when (!stopping.IsCancellationRequested && progress.Value > 0)
            {
                return JobResult.Of(Failed(job, new PipelineError(502, ErrorTypes.ServerError, $"The job failed after {progress.Value} streamed chunks: {e.Message}", null, "job_interrupted")));
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                // Transient by assumption: everything the pipeline throws here is a dependency that did not answer.
                (reason, wait) = ($"{e.GetType().Name}: {e.Message}", backoff);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return null;
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed + wait > budget)
            {
                var message = $"The job could not be run within {budget.TotalSeconds:0} s; the last attempt ({attempt}) failed: {reason}";
                LogJobFailed(logger, job.JobId, attempt, reason);
                return JobResult.Of(Failed(job, new PipelineError(503, ErrorTypes.ServiceUnavailable, message, null, "job_retry_budget_exhausted")));
            }

            LogJobRetrying(logger, job.JobId, attempt, wait.TotalSeconds, reason);
            try
            {
                await Task.Delay(wait, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>Sends a job message to its producer, retrying through broker outages until this gateway stops.</summary>
    public async Task<bool> DeliverAsync(IJobReply reply, object message, CancellationToken stopping)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                attempt.CancelAfter(SendTimeout);
                await reply.SendAsync(message, attempt.Token)
                    .WaitAsync(SendTimeout, stopping)
                    .ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException && !stopping.IsCancellationRequested)
            {
                LogDeliveryRetrying(logger, message.GetType().Name, $"the send did not complete within {SendTimeout.TotalSeconds:0} s");
            }
            catch (Exception e) when (!stopping.IsCancellationRequested && e is not ArgumentException)
            {
                LogDeliveryRetrying(logger, message.GetType().Name, e.Message);
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            try
            {
                await Task.Delay(delay, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>The producer's reply endpoint, retried through broker outages; null once this gateway stops.</summary>
    public async Task<ISendEndpoint?> GetReplyEndpointAsync(ConsumeContext context, Uri replyTo, CancellationToken stopping)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                return await context.GetSendEndpoint(replyTo).WaitAsync(SendTimeout, stopping).ConfigureAwait(false);
            }
            catch (TimeoutException) when (!stopping.IsCancellationRequested)
            {
                LogDeliveryRetrying(logger, "the reply endpoint", $"it was not ready within {SendTimeout.TotalSeconds:0} s");
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                LogDeliveryRetrying(logger, "the reply endpoint", e.Message);
            }

            try
            {
                await Task.Delay(delay, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
        }

        return null;
    }

    /// <summary>Sends a job's result to its producer (see <see cref="DeliverAsync"/>) and logs how the job ended.</summary>
    public async Task<JobOutcome> DeliverResultAsync(IJobReply reply, JobResult result, CancellationToken stopping)
    {
        var delivered = await DeliverAsync(reply, result.Message, stopping).ConfigureAwait(false);
        if (result.Completed is { } completed)
        {
            LogJobCompleted(logger, completed.JobId, completed.CompletionTokens, completed.WorkerId, completed.Attempts, delivered);
        }
        else if (result.Failed is { } failed)
        {
            LogJobAnsweredFailed(logger, failed.JobId, failed.StatusCode, failed.Code, failed.Message, delivered);
        }

        return new JobOutcome(result, delivered);
    }

    /// <summary>One pass through the pipeline: a result, or the reason to try again.</summary>
    private async Task<JobPass> RunOnceAsync(SubmitGenerationJob job, IJobReply reply, string ingress, StrongBox<int> chunksSent, CancellationToken stopping)
    {
        Caller? caller = null;
        if (directory.KeysRequired)
        {
            var resolution = await directory.AuthenticateAsync(job.ApiKey, stopping).ConfigureAwait(false);
            if (resolution.Caller is null)
            {
                var refused = resolution.Error!;
                return IsTransient(refused.StatusCode)
                    ? new JobPass(null, refused.Message, refused.RetryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null)
                    : new JobPass(JobResult.Of(Failed(job, refused)), null, null);
            }

            caller = resolution.Caller;
        }

        if ((caller is not null && !caller.Access.AllowsModel(job.Model)) || !await models.IsServedAsync(job.Model, stopping).ConfigureAwait(false))
        {
            return new JobPass(JobResult.Of(Failed(job, PipelineErrors.ModelNotFound(job.Model))), null, null);
        }

        var kind = job.Input.Messages is null ? GenerationKind.Completion : GenerationKind.ChatCompletion;
        var request = new GenerationRequest(kind, job.Model, job.Input, job.Sampling, job.Limits, job.Priority, caller);
        await using var session = await sessions.StartAsync(request, ingress, Stopwatch.GetTimestamp(), stopping).ConfigureAwait(false);
        SessionResult result;
        try
        {
            result = await session.CollectAsync(
                TimeSpan.FromSeconds(options.Value.StreamIdleTimeoutSeconds),
                job.StreamChunks
                    ? async chunk => await DeliverAsync(reply, new GenerationJobChunk(job.JobId, chunksSent.Value++, chunk.Text, chunk.Tokens, chunk.WorkerId), stopping).ConfigureAwait(false)
                    : null,
                stopping).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            session.Status = 504;
            return chunksSent.Value == 0
                ? new JobPass(null, e.Message, null)
                : new JobPass(JobResult.Of(Failed(job, PipelineErrors.PipelineTimeout(e.Message))), null, null);
        }

        if (result.Completed is { } completed)
        {
            return new JobPass(JobResult.Of(new GenerationJobCompleted(job.JobId, result.Text, completed.FinishReason, completed.PromptTokens, completed.CompletionTokens, completed.WorkerId, completed.Backend, completed.Attempt, DateTimeOffset.UtcNow)), null, null);
        }

        if (result.Failed is { } failed)
        {
            var error = failed.Error;
            return IsTransient(error.StatusCode) && chunksSent.Value == 0
                ? new JobPass(null, error.Message, error.RetryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null)
                : new JobPass(JobResult.Of(Failed(job, error)), null, null);
        }

        return new JobPass(null, "the pipeline ended the stream without a result", null);
    }

    private static GenerationJobFailed Failed(SubmitGenerationJob job, PipelineError error) => new(job.JobId, error.StatusCode, error.Type, error.Message, error.Code);

    // A pass is run again from scratch only while its text reached nobody (no chunk was streamed to the producer); after
    // that the pipeline's own failover (up to Gateway__MaxAttempts workers) was the retry, and its failure is final.
    private static bool IsTransient(int status) => status is 429 or 502 or 503 or 504;

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: attempt {Attempt} did not finish; retrying in {Seconds:0.0} s: {Reason}")]
    private static partial void LogJobRetrying(ILogger logger, Guid jobId, int attempt, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} failed after {Attempts} attempts: {Reason}")]
    private static partial void LogJobFailed(ILogger logger, Guid jobId, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} completed: {Tokens} tokens by {WorkerId} (attempts: {Attempts}); result delivered: {Delivered}")]
    private static partial void LogJobCompleted(ILogger logger, Guid jobId, int tokens, string workerId, int attempts, bool delivered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} answered as failed ({Status} {Code}): {Reason}; result delivered: {Delivered}")]
    private static partial void LogJobAnsweredFailed(ILogger logger, Guid jobId, int status, string? code, string reason, bool delivered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reaching the job's producer ({What}) failed; retrying: {Reason}")]
    private static partial void LogDeliveryRetrying(ILogger logger, string what, string reason);

    private sealed record JobPass(JobResult? Result, string? RetryReason, TimeSpan? RetryAfter);
}
