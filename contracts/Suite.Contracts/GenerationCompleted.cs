namespace Suite.Contracts;

/// <summary>The last message of a successful stream, sent to the reply address after the final chunk.</summary>
public sealed record GenerationCompleted(
    Guid RequestId,
    FinishReason FinishReason,
    int PromptTokens,
    int CompletionTokens,
    int ChunkCount,
    string WorkerId,
    string Backend,
    bool Simulated,
    WorkerTimings Timings,
    int Attempt);
