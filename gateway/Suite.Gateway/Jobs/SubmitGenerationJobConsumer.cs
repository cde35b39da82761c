using MassTransit;
using Microsoft.Extensions.Logging;
using Suite.Contracts;
using Suite.Contracts.Jobs;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.Jobs;

/// <summary>
/// Takes a MassTransit job off the durable queue and sees it answered exactly once. The message is acknowledged only
/// after its result was sent, so a gateway that dies mid-job leaves it on the queue for another; the job store
/// (<see cref="JobIntake"/>) makes a redelivered or resubmitted job wait for the run in progress instead of starting a
/// second one. Only a job that can never succeed as sent goes to the error queue (after its producer was told why);
/// every other failure is retried by <see cref="JobRunner"/> within the job's budget and then answered with
/// <see cref="GenerationJobFailed"/>.
/// </summary>
public sealed partial class SubmitGenerationJobConsumer(
    JobRunner runner,
    JobIntake intake,
    Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime,
    ILogger<SubmitGenerationJobConsumer> logger) : IConsumer<SubmitGenerationJob>
{
    public const string Ingress = "queue:" + QueueNames.Jobs;

    public async Task Consume(ConsumeContext<SubmitGenerationJob> context)
    {
        var job = context.Message;
        if (job.ReplyTo is null)
        {
            throw new InvalidJobException("ReplyTo is required.");
        }

        // Not the delivery's token: a broker restart closes the channel, and the job carries on through it (its
        // redelivery then waits for this run instead of starting another). Only this gateway stopping gives a job up.
        var stopping = lifetime.ApplicationStopping;
        var endpoint = await runner.GetReplyEndpointAsync(context, job.ReplyTo, stopping).ConfigureAwait(false);
        if (endpoint is null)
        {
            await ReturnToQueueAsync(context, job).ConfigureAwait(false);
            return;
        }

        var reply = new MassTransitJobReply(endpoint);
        if (JobValidator.Validate(job) is { } problem)
        {
            var error = PipelineErrors.InvalidJob(problem);
            await runner.DeliverAsync(reply, new GenerationJobFailed(job.JobId, error.StatusCode, error.Type, error.Message, error.Code), stopping).ConfigureAwait(false);
            throw new InvalidJobException(problem);
        }

        if (!await intake.AnswerAsync(job, reply, Ingress, context.ReceiveContext.Redelivered, stopping).ConfigureAwait(false))
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
}
