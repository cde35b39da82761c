namespace Suite.Contracts;

/// <summary>
/// A request could not be served. Carries what the client will read, in OpenAI's error vocabulary:
/// <see cref="StatusCode"/> (HTTP), <see cref="Type"/> (e.g. invalid_request_error), optional <see cref="Param"/> and
/// <see cref="Code"/>, and for 429/503 how long to wait.
/// </summary>
public sealed record GenerationFailed(
    Guid RequestId,
    int StatusCode,
    string Type,
    string Message,
    string? Param,
    string? Code,
    int? RetryAfterSeconds,
    string? WorkerId);
