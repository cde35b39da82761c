using System.ComponentModel.DataAnnotations;

namespace Suite.Gateway.Jobs;

/// <summary>Queue job state (section <c>Jobs</c>): how long results are kept, and the lease a running job holds.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>How long a finished job's result is kept (and answered again to a resubmission) before it is deleted.</summary>
    [Range(0.01, 24 * 365)]
    public double ResultRetentionHours { get; set; } = 24;

    /// <summary>
    /// How long a gateway's claim on a running job lasts unless renewed (it renews every third of it): when the gateway
    /// dies, another takes the job over this long after its last renewal. Shared job state (PostgreSQL) only.
    /// </summary>
    [Range(1, 3600)]
    public double LeaseSeconds { get; set; } = 30;

    /// <summary>How often expired results are deleted.</summary>
    [Range(1, 86_400)]
    public double SweepIntervalSeconds { get; set; } = 300;
}
