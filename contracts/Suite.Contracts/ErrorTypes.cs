namespace Suite.Contracts;

/// <summary>The <c>error.type</c> values of <see cref="PipelineError"/>, as OpenAI's API names them.</summary>
public static class ErrorTypes
{
    /// <summary>The request is wrong and will fail again as sent (400, 404, 413, 415...).</summary>
    public const string InvalidRequest = "invalid_request_error";

    public const string Authentication = "authentication_error";

    public const string RateLimitExceeded = "rate_limit_exceeded";

    /// <summary>A token budget (per day or month) is spent; retrying within the period does not help.</summary>
    public const string InsufficientQuota = "insufficient_quota";

    /// <summary>The fleet cannot take the request now; retry after <c>Retry-After</c> (503).</summary>
    public const string ServiceUnavailable = "service_unavailable";

    public const string Timeout = "timeout";

    public const string ServerError = "server_error";
}
