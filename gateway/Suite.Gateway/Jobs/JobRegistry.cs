using System.Collections.Concurrent;
using Suite.Contracts.Jobs;

namespace Suite.Gateway.Jobs;

/// <summary>
/// Jobs this gateway runs or ran, by job id, so a resubmitted or redelivered job is never run twice: a running one is
/// joined, a finished one answered from here. Finished jobs are remembered for <see cref="Retention"/>.
/// </summary>
public sealed class JobRegistry
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<Guid, Entry> _jobs = new();

    /// <summary>True if the caller should run the job; otherwise <paramref name="existing"/> is the run to wait for.</summary>
    public bool TryBegin(Guid jobId, out Task<GenerationJobCompleted?> existing)
    {
        Sweep();
        var entry = new Entry();
        var actual = _jobs.GetOrAdd(jobId, entry);
        existing = actual.Completion.Task;
        return ReferenceEquals(actual, entry);
    }

    public void Complete(Guid jobId, GenerationJobCompleted? result)
    {
        if (_jobs.TryGetValue(jobId, out var entry))
        {
            entry.FinishedAt = DateTimeOffset.UtcNow;
            entry.Completion.TrySetResult(result);
        }
    }

    /// <summary>Forgets a job that failed in a way a resubmission may fix (so the next submission runs it).</summary>
    public void Forget(Guid jobId)
    {
        if (_jobs.TryRemove(jobId, out var entry))
        {
            entry.Completion.TrySetResult(null);
        }
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
        public TaskCompletionSource<GenerationJobCompleted?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public DateTimeOffset? FinishedAt { get; set; }
    }
}
