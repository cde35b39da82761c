namespace Suite.Contracts;

/// <summary>
/// The last message of a successful stream, sent to the reply address after the final chunk. <c>CachedTokens</c> is how
/// many of the prompt's tokens the worker took from its prefix cache instead of computing them (OpenAI's
/// <c>usage.prompt_tokens_details.cached_tokens</c>).
/// </summary>
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
    int Attempt,
    int CachedTokens = 0,
    RouteDecision? Route = null);
