namespace Suite.Contracts.Jobs;

/// <summary>Text produced since the previous chunk of a job (sent only when the job asked for chunks), in order by <see cref="Index"/>.</summary>
public sealed record GenerationJobChunk(Guid JobId, int Index, string Text, int[] Tokens);
