using Suite.Contracts.Jobs;
using Suite.Gateway.Sessions;

namespace Suite.Gateway.Jobs.Json;

/// <summary>A plain-JSON job read off the queue: the job as the runner takes it, and what its replies look like.</summary>
public sealed record JsonJob(SubmitGenerationJob Job, GenerationKind Kind);
