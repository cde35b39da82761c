namespace Suite.Contracts;

/// <summary>A request could not be served: the <see cref="PipelineError"/> its client will read, and the worker that said so (if one did).</summary>
public sealed record GenerationFailed(Guid RequestId, PipelineError Error, string? WorkerId);
