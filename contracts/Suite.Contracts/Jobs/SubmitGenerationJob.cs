namespace Suite.Contracts.Jobs;

/// <summary>
/// A generation job from a program rather than an HTTP client. Send it to the durable queue
/// <see cref="QueueNames.Jobs"/>; the result (and, with <see cref="StreamChunks"/>, each chunk) is sent to
/// <see cref="ReplyTo"/>, the producer's own queue. Idempotent by <see cref="JobId"/>: a job resubmitted while running
/// or after finishing is not run again (a finished one gets its result again). <see cref="Priority"/> 0–9, higher first.
/// <see cref="ApiKey"/>: when the gateway asks for keys, the key the job is submitted with; the job then runs as that
/// key's tenant (its models, placement, limits, fair share and priority ceiling), and without a valid key it fails 401.
/// </summary>
public sealed record SubmitGenerationJob(
    Guid JobId,
    string Model,
    GenerationInput Input,
    SamplingParameters Sampling,
    GenerationLimits Limits,
    Uri ReplyTo,
    int Priority = 0,
    bool StreamChunks = false,
    string? ApiKey = null);
