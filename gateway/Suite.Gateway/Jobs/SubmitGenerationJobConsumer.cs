using MassTransit;
using Microsoft.Extensions.Logging;
using Suite.Contracts;
using Suite.Contracts.Jobs;

namespace Suite.Gateway.Jobs;

/// <summary>
/// Takes a job off the durable queue and sees it answered exactly once. The message is acknowledged only after its
/// result was sent, so a gateway that dies mid-job leaves it on the queue for another; the registry makes a redelivered
/// or resubmitted job join the run in progress instead of starting a second one. Only a job that can never succeed as
/// sent goes to the error queue (after its producer was told why); every other failure is retried by
/// <see cref="JobRunner"/> within the job's budget and then answered with <see cref="GenerationJobFailed"/>.
/// </summary>
public sealed partial class SubmitGenerationJobConsumer(
    JobRunner runner,
    JobRegistry registry,
    Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime,
    ILogger<SubmitGenerationJobConsumer> logger) : IConsumer<SubmitGenerationJob>
{
    public async Task Consume(ConsumeContext<SubmitGenerationJob> context)
    {
        var job = context.Message;
        if (job.ReplyTo is null)
        {
            throw new InvalidJobException("ReplyTo is required.");
        }

        // Not the delivery's token: a broker restart closes the channel, and the job carries on through it (its
        // redelivery then joins this run instead of starting another). Only this gateway stopping gives a job up.
        var stopping = lifetime.ApplicationStopping;
        var reply = await runner.GetReplyEndpointAsync(context, job.ReplyTo, stopping).ConfigureAwait(false);
        if (reply is null)
        {
            await ReturnToQueueAsync(context, job).ConfigureAwait(false);
            return;
        }

        if (JobValidator.Validate(job) is { } problem)
        {
            await runner.DeliverAsync(reply, new GenerationJobFailed(job.JobId, 400, ErrorTypes.InvalidRequest, problem, "invalid_job"), stopping).ConfigureAwait(false);
            throw new InvalidJobException(problem);
        }

        while (!registry.TryBegin(job.JobId, out var existing))
        {
            // Resubmitted or redelivered: never run twice. A finished job's result is sent again; a running one is
            // joined, and this delivery is acknowledged when that run ends. A run given up by its gateway is taken over.
            await Task.WhenAny(existing, Task.Delay(Timeout.Infinite, stopping)).ConfigureAwait(false);
            if (!existing.IsCompleted)
            {
                await ReturnToQueueAsync(context, job).ConfigureAwait(false);
            }

            var previous = await existing.ConfigureAwait(false);
            if (previous.Result is not { } result)
            {
                continue;
            }

            // A redelivery of a message whose result already went out (its acknowledgement was lost) is not answered
            // twice; a new submission of the same job is.
            if (!previous.Delivered || context.ReceiveContext.Redelivered is false)
            {
                await runner.DeliverAsync(reply, result.Message, stopping).ConfigureAwait(false);
            }

            LogJoined(logger, job.JobId, context.ReceiveContext.Redelivered);
            return;
        }

        var outcome = JobOutcome.Abandoned;
        try
        {
            outcome = await runner.RunAsync(job, reply, stopping).ConfigureAwait(false);
        }
        finally
        {
            registry.End(job.JobId, outcome);
        }

        if (!outcome.Delivered)
        {
            await ReturnToQueueAsync(context, job).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// This gateway is stopping before the job was answered. Returning would acknowledge the message, and a fault would
    /// send it to the error queue; waiting for the delivery's own cancellation (the bus cancels it as it stops) makes
    /// MassTransit return the message to the queue, where another gateway takes it.
    /// </summary>
    private async Task ReturnToQueueAsync(ConsumeContext context, SubmitGenerationJob job)
    {
        LogGivenUp(logger, job.JobId);
        await Task.Delay(Timeout.Infinite, context.CancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} was given up: the gateway is stopping; it goes back to the queue")]
    private static partial void LogGivenUp(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} joined the run already under way (redelivered: {Redelivered})")]
    private static partial void LogJoined(ILogger logger, Guid jobId, bool redelivered);
}
