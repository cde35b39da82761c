namespace Suite.Contracts.Jobs;

/// <summary>A job that cannot be served, with the same status/type/code vocabulary as the HTTP API's errors.</summary>
public sealed record GenerationJobFailed(Guid JobId, int StatusCode, string Type, string Message, string? Code);
