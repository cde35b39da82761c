namespace Suite.Gateway.Jobs;

/// <summary>
/// The state of every job by id, so that a job resubmitted, or redelivered to any gateway, is run once: claiming is
/// atomic, a finished job's stored result is answered again, a job running on a live gateway is waited for, and one
/// whose gateway died (its lease ran out) is taken over. In process (<see cref="InMemoryJobStore"/>) in embedded mode,
/// in PostgreSQL (<see cref="PostgresJobStore"/>) shared by every gateway when <c>Storage__Postgres</c> is set.
/// </summary>
public interface IJobStore
{
    /// <summary>Claims <paramref name="jobId"/> for this gateway, or says what became of it.</summary>
    Task<JobClaim> ClaimAsync(Guid jobId, CancellationToken cancellationToken);

    /// <summary>Extends this gateway's lease on a job it runs.</summary>
    Task RenewAsync(Guid jobId, CancellationToken cancellationToken);

    /// <summary>Stores a claimed job's result before it is sent, so a gateway dying while it sends loses nothing.</summary>
    Task SaveResultAsync(Guid jobId, JobResult result, CancellationToken cancellationToken);

    /// <summary>
    /// Ends this gateway's claim: a completed job's result is kept for the retention time; a failed one is recorded and
    /// may be run again by a new submission; an abandoned one (this gateway stops) is released at once for another.
    /// </summary>
    Task EndAsync(Guid jobId, JobOutcome outcome, CancellationToken cancellationToken);
}
