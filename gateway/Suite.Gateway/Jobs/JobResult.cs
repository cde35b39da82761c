using Suite.Contracts.Jobs;

namespace Suite.Gateway.Jobs;

/// <summary>A job's final answer: exactly one of the two is set.</summary>
public sealed record JobResult(GenerationJobCompleted? Completed, GenerationJobFailed? Failed)
{
    public object Message => (object?)Completed ?? Failed!;

    public static JobResult Of(GenerationJobCompleted completed) => new(completed, null);

    public static JobResult Of(GenerationJobFailed failed) => new(null, failed);
}
