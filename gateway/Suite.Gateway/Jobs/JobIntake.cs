using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Suite.Contracts.Jobs;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.Jobs;

/// <summary>
/// Sees one delivery of a job answered, whichever door it came through (MassTransit or plain JSON), and the job run
/// once: it claims the job in the <see cref="IJobStore"/>; the owner runs it with <see cref="JobRunner"/> while renewing
/// its lease, stores the result, then sends it; any other delivery waits for that run and answers with its result
/// (or takes the job over when its gateway gave it up or died). Returns false only when this gateway stops first:
/// the delivery then goes back to the queue.
/// </summary>
public sealed partial class JobIntake(JobRunner runner, IJobStore store, IOptions<GatewayOptions> gateway, IOptions<JobsOptions> options, ILogger<JobIntake> logger)
{
    private static readonly TimeSpan StoreRetry = TimeSpan.FromSeconds(1);

    /// <param name="redelivered">The broker's redelivered flag: a delivery whose result already went out is not answered twice.</param>
    public async Task<bool> AnswerAsync(SubmitGenerationJob job, IJobReply reply, string ingress, bool redelivered, CancellationToken stopping)
    {
        var started = Stopwatch.GetTimestamp();
        var budget = TimeSpan.FromSeconds(gateway.Value.JobRetryBudgetSeconds);
        while (!stopping.IsCancellationRequested)
        {
            JobOutcome? previous;
            try
            {
                var claim = await store.ClaimAsync(job.JobId, stopping).ConfigureAwait(false);
                if (claim.Owned)
                {
                    return await RunAsync(job, reply, ingress, stopping).ConfigureAwait(false);
                }

                // Resubmitted or redelivered: never run twice. A running one is waited for; a finished one answered.
                previous = claim.Finished ?? await claim.Change!.WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                // The job state store is unreachable: transient, like any dependency, within the job's budget.
                if (Stopwatch.GetElapsedTime(started) + StoreRetry > budget)
                {
                    var error = PipelineErrors.JobStateUnavailable(e.Message);
                    var failed = JobResult.Of(new GenerationJobFailed(job.JobId, error.StatusCode, error.Type, error.Message, error.Code));
                    return (await runner.DeliverResultAsync(reply, failed, stopping).ConfigureAwait(false)).Delivered;
                }

                LogStoreRetrying(logger, job.JobId, e.Message);
                try
                {
                    await Task.Delay(StoreRetry, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }

                continue;
            }

            if (previous?.Result is not { } result)
            {
                continue;
            }

            // A redelivery of a message whose result already went out (its acknowledgement was lost) is not answered
            // twice; a new submission of the same job is.
            if (!previous.Delivered || !redelivered)
            {
                await runner.DeliverAsync(reply, result.Message, stopping).ConfigureAwait(false);
            }

            LogJoined(logger, job.JobId, redelivered);
            return true;
        }

        return false;
    }

    private async Task<bool> RunAsync(SubmitGenerationJob job, IJobReply reply, string ingress, CancellationToken stopping)
    {
        LogRunning(logger, job.JobId, ingress);
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var renewal = RenewAsync(job.JobId, renewing.Token);
        var outcome = JobOutcome.Abandoned;
        try
        {
            if (await runner.RunAsync(job, reply, ingress, stopping).ConfigureAwait(false) is { } result)
            {
                // Stored before it is sent: a gateway that dies while sending leaves a result to answer, not a job to rerun.
                await WithStoreAsync(job.JobId, t => store.SaveResultAsync(job.JobId, result, t)).ConfigureAwait(false);
                outcome = await runner.DeliverResultAsync(reply, result, stopping).ConfigureAwait(false);
            }
        }
        finally
        {
            await renewing.CancelAsync().ConfigureAwait(false);
            await renewal.ConfigureAwait(false);
            await WithStoreAsync(job.JobId, t => store.EndAsync(job.JobId, outcome, t)).ConfigureAwait(false);
        }

        return outcome.Delivered;
    }

    private async Task RenewAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var every = TimeSpan.FromSeconds(options.Value.LeaseSeconds / 3);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, cancellationToken).ConfigureAwait(false);
                await store.RenewAsync(jobId, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The next renewal may reach the store; until the lease runs out the job stays this gateway's.
                LogStoreRetrying(logger, jobId, e.Message);
            }
        }
    }

    /// <summary>A write that must not be lost to a brief outage of the store, bounded so a stopping gateway is not held.</summary>
    private async Task WithStoreAsync(Guid jobId, Func<CancellationToken, Task> write)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.Value.LeaseSeconds));
        while (true)
        {
            try
            {
                await write(timeout.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (!timeout.IsCancellationRequested)
            {
                LogStoreRetrying(logger, jobId, e.Message);
                await Task.Delay(StoreRetry, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Its lease runs out instead: a redelivery then answers the stored result, or runs the job again.
                LogStoreWriteLost(logger, jobId, e.Message);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} runs on this gateway (from {Ingress})")]
    private static partial void LogRunning(ILogger logger, Guid jobId, string ingress);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} joined the run already under way (redelivered: {Redelivered})")]
    private static partial void LogJoined(ILogger logger, Guid jobId, bool redelivered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: the job state store did not answer; retrying: {Reason}")]
    private static partial void LogStoreRetrying(ILogger logger, Guid jobId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: its state could not be written: {Reason}")]
    private static partial void LogStoreWriteLost(ILogger logger, Guid jobId, string reason);
}
