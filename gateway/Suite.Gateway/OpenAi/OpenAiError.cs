namespace Suite.Gateway.OpenAi;

/// <summary>
/// An error a client reads, in OpenAI's shape: <c>{"error":{"message","type","param","code"}}</c>, with the HTTP
/// status and, for 429/503, how many seconds to wait (sent as Retry-After).
/// </summary>
public sealed record OpenAiError(int StatusCode, string Type, string Message, string? Param = null, string? Code = null, int? RetryAfterSeconds = null)
{
    public static OpenAiError Invalid(string message, string? param = null, string? code = null)
        => new(400, "invalid_request_error", message, param, code);

    /// <summary>A JSON string escape such as <c>\ud800</c> that is half of a character: not text, so not tokenizable.</summary>
    public static OpenAiError LoneSurrogate(string detail)
        => Invalid($"The request contains a string with a lone UTF-16 surrogate escape (half of a character), which is not valid text. ({detail})", null, "invalid_unicode");

    /// <summary>The router did not answer: nothing can be routed until it is back.</summary>
    public static OpenAiError RouterUnavailable { get; } = new(503, "service_unavailable", "The router service is not answering; retry shortly.", null, "router_unavailable", 2);

    public static OpenAiError ModelNotFound(string model)
        => new(404, "invalid_request_error", $"The model `{model}` does not exist or you do not have access to it.", "model", "model_not_found");
}
