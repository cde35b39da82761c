namespace Suite.Contracts.Jobs;

/// <summary>The result of a job: its whole text, why it ended, token counts, and where it ran (last attempt).</summary>
public sealed record GenerationJobCompleted(
    Guid JobId,
    string Text,
    FinishReason FinishReason,
    int PromptTokens,
    int CompletionTokens,
    string WorkerId,
    string Backend,
    int Attempts,
    DateTimeOffset CompletedAt);
