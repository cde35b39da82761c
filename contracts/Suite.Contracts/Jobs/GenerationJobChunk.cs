namespace Suite.Contracts.Jobs;

/// <summary>
/// Text produced since the previous chunk of a job (sent only when the job asked for chunks), in order by
/// <see cref="Index"/>, and the worker that produced it (it changes if the job fails over).
/// </summary>
public sealed record GenerationJobChunk(Guid JobId, int Index, string Text, int[] Tokens, string? WorkerId = null);
