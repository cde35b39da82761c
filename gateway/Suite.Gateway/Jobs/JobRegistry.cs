using System.Collections.Concurrent;

namespace Suite.Gateway.Jobs;

/// <summary>
/// Jobs this gateway runs or ran, by job id, so a resubmitted or redelivered job is never run twice: a running one is
/// joined, a finished one answered from here. Completed jobs are remembered for <see cref="Retention"/>; a failed one
/// is forgotten at once (resubmitting it runs it again), and so is one this gateway gave up (it is shutting down), so
/// that a delivery waiting on it runs the job itself.
/// </summary>
public sealed class JobRegistry
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<Guid, Entry> _jobs = new();

    /// <summary>True if the caller should run the job; otherwise <paramref name="existing"/> is the run to wait for.</summary>
    public bool TryBegin(Guid jobId, out Task<JobOutcome> existing)
    {
        Sweep();
        var entry = new Entry();
        var actual = _jobs.GetOrAdd(jobId, entry);
        existing = actual.Completion.Task;
        return ReferenceEquals(actual, entry);
    }

    /// <summary>Ends a run begun with <see cref="TryBegin"/>; every waiting delivery gets <paramref name="outcome"/>.</summary>
    public void End(Guid jobId, JobOutcome outcome)
    {
        if (!_jobs.TryGetValue(jobId, out var entry))
        {
            return;
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
    }

    private void Sweep()
    {
        var cutoff = DateTimeOffset.UtcNow - Retention;
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
        public TaskCompletionSource<JobOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public DateTimeOffset? FinishedAt { get; set; }
    }
}
