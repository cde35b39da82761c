using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Suite.Gateway.Jobs;

/// <summary>
/// Job state in this gateway's memory (embedded mode, or no database): a resubmitted or redelivered job joins the run
/// in progress, a completed one is answered from here for <see cref="JobsOptions.ResultRetentionHours"/>. A failed
/// run tells the deliveries that waited on it and is then forgotten (resubmitting it runs it again), and so is one this
/// gateway gave up (it is shutting down), so that a delivery waiting on it takes it over.
/// </summary>
public sealed class InMemoryJobStore(IOptions<JobsOptions> options) : IJobStore
{
    private readonly ConcurrentDictionary<Guid, Entry> _jobs = new();

    public Task<JobClaim> ClaimAsync(Guid jobId, CancellationToken cancellationToken)
    {
        Sweep();
        var entry = new Entry();
        var actual = _jobs.GetOrAdd(jobId, entry);
        if (ReferenceEquals(actual, entry))
        {
            return Task.FromResult(JobClaim.Run);
        }

        var task = actual.Completion.Task;
        return Task.FromResult(task.IsCompletedSuccessfully && task.Result is { Result: not null } finished ? JobClaim.Answer(finished) : JobClaim.Wait(task));
    }

    public Task RenewAsync(Guid jobId, CancellationToken cancellationToken) => Task.CompletedTask;

    // Nothing to survive here: this store dies with the process that runs the job.
    public Task SaveResultAsync(Guid jobId, JobResult result, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task EndAsync(Guid jobId, JobOutcome outcome, CancellationToken cancellationToken)
    {
        if (!_jobs.TryGetValue(jobId, out var entry))
        {
            return Task.CompletedTask;
        }

        if (outcome.Result is { Completed: not null })
        {
            entry.FinishedAt = DateTimeOffset.UtcNow;
        }
        else
        {
            _jobs.TryRemove(KeyValuePair.Create(jobId, entry));
        }

        entry.Completion.TrySetResult(outcome);
        return Task.CompletedTask;
    }

    private void Sweep()
    {
        var cutoff = DateTimeOffset.UtcNow - TimeSpan.FromHours(options.Value.ResultRetentionHours);
        foreach (var (id, entry) in _jobs)
        {
            if (entry.FinishedAt is { } finished && finished < cutoff)
            {
                _jobs.TryRemove(id, out _);
            }
        }
    }

    private sealed class Entry
    {
        public TaskCompletionSource<JobOutcome?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public DateTimeOffset? FinishedAt { get; set; }
    }
}
