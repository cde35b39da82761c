namespace Suite.Contracts;

/// <summary>
/// Lifecycle event the gateway publishes once per finished request (success, failure or cancel) for telemetry:
/// client-observed latencies plus what the worker reported. <c>Tenant</c> and <c>KeyId</c> name who asked (null when the
/// gateway runs without keys), for per-tenant usage metrics.
/// </summary>
public sealed record RequestCompleted(
    Guid RequestId,
    string Model,
    string Backend,
    string WorkerId,
    string Endpoint,
    int StatusCode,
    FinishReason? FinishReason,
    int PromptTokens,
    int CompletionTokens,
    double? TimeToFirstTokenSeconds,
    double EndToEndSeconds,
    double QueueSeconds,
    double PrefillSeconds,
    double DecodeSeconds,
    float[] InterTokenSeconds,
    DateTimeOffset CompletedAt,
    int Chunks = 0,
    int Attempts = 1,
    double ChunkMessages = 0,
    string? Tenant = null,
    string? KeyId = null);
