namespace Suite.Contracts;

/// <summary>
/// The one error vocabulary of the pipeline, in OpenAI's terms: what the client reads (<paramref name="Message"/>,
/// <paramref name="Type"/> from <see cref="ErrorTypes"/>, the offending <paramref name="Param"/>, a machine-readable
/// <paramref name="Code"/>), the HTTP status, and for 429/503 how many seconds to wait before retrying. Every service
/// reports failures with it; the gateway writes it as <c>{"error":{"message","type","param","code"}}</c>.
/// </summary>
public sealed record PipelineError(int StatusCode, string Type, string Message, string? Param = null, string? Code = null, int? RetryAfterSeconds = null);
