namespace Suite.Gateway.Jobs;

/// <summary>
/// What claiming a job gave: <see cref="Owned"/> (run it), a <see cref="Finished"/> run (answer with its result), or a
/// run under way elsewhere (<see cref="Change"/> ends with that run's outcome, or null when it is worth claiming again:
/// its gateway gave it up or died).
/// </summary>
public sealed record JobClaim(bool Owned, JobOutcome? Finished, Task<JobOutcome?>? Change)
{
    public static JobClaim Run { get; } = new(true, null, null);

    public static JobClaim Answer(JobOutcome finished) => new(false, finished, null);

    public static JobClaim Wait(Task<JobOutcome?> change) => new(false, null, change);
}
