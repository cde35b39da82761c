namespace Suite.Gateway.Jobs;

/// <summary>
/// How a job's run ended: with a result (completed or failed) and whether that result reached the producer, or
/// abandoned (this gateway stopped first; the job goes back to the queue).
/// </summary>
public sealed record JobOutcome(JobResult? Result, bool Delivered)
{
    public static JobOutcome Abandoned { get; } = new(null, false);
}
