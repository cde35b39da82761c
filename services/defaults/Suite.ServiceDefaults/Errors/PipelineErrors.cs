using Suite.Contracts;

namespace Suite.ServiceDefaults.Errors;

/// <summary>
/// Every error the pipeline reports, named once: services build their failures here, so a client reads the same type,
/// code and wording whichever service refused, and a test can name what it expects.
/// </summary>
public static class PipelineErrors
{
    public static PipelineError Invalid(string message, string? param = null, string? code = null)
        => new(400, ErrorTypes.InvalidRequest, message, param, code);

    /// <summary>A body (HTTP request or queue job) that is not JSON.</summary>
    public static PipelineError InvalidJson(string detail)
        => Invalid($"We could not parse the JSON body of your request. ({detail}) The OpenAI API expects a JSON payload.", null, "invalid_json");

    /// <summary>A queue job whose envelope or properties make it unrunnable (no id, no reply address, an unknown type).</summary>
    public static PipelineError InvalidJob(string message, string? param = null)
        => Invalid(message, param, "invalid_job");

    /// <summary>A queue job whose state (PostgreSQL) could not be read or claimed within its retry budget.</summary>
    public static PipelineError JobStateUnavailable(string reason)
        => new(503, ErrorTypes.ServiceUnavailable, $"The job could not be claimed: the job state store did not answer within the job's retry budget ({reason}).", null, "job_state_unavailable", 5);

    public static PipelineError ModelNotFound(string model)
        => new(404, ErrorTypes.InvalidRequest, $"The model `{model}` does not exist or you do not have access to it.", "model", "model_not_found");

    public static PipelineError NoChatTemplate(string model)
        => Invalid($"The model '{model}' has no chat template; use /v1/completions with a prompt.", "messages", "chat_template_missing");

    public static PipelineError EmptyPrompt(string what)
        => Invalid($"The {what} is empty: it produced no tokens.", what, "empty_prompt");

    public static PipelineError TokenOutsideVocabulary(int token, string where, int vocabulary, string param)
        => Invalid($"Token id {token} at {where} is outside the vocabulary (0..{vocabulary - 1}).", param, "invalid_value");

    public static PipelineError ContextLengthExceeded(int maxLength, int promptTokens, long? maxTokens, string what)
        => Invalid(
            maxTokens is null
                ? $"This model's maximum context length is {maxLength} tokens. However, your {what} resulted in {promptTokens} tokens. Please reduce the length of the {what}."
                : $"This model's maximum context length is {maxLength} tokens. However, you requested {promptTokens + maxTokens.Value} tokens ({promptTokens} in the {what}, {maxTokens} in the completion). Please reduce the length of the {what} or completion.",
            what,
            "context_length_exceeded");

    public static PipelineError ContextLengthExceededCountingStopped(int maxLength, int countedUpTo, long? maxTokens, string what)
        => Invalid(
            maxTokens is null
                ? $"This model's maximum context length is {maxLength} tokens. However, your {what} resulted in more than {countedUpTo} tokens (counting stopped there). Please reduce the length of the {what}."
                : $"This model's maximum context length is {maxLength} tokens. However, you requested more than {countedUpTo + maxTokens.Value} tokens (more than {countedUpTo} in the {what}, {maxTokens} in the completion). Please reduce the length of the {what} or completion.",
            what,
            "context_length_exceeded");

    /// <summary>A grammar or logit bias sent to a worker whose backend cannot shape its sampling (the simulator).</summary>
    public static PipelineError ConstrainedDecodingUnsupported(string backend, bool simulated, string worker, string param)
        => Invalid(
            simulated
                ? $"The request landed on worker '{worker}', whose backend '{backend}' is simulated: its tokens do not come from a model, so response_format json_object/json_schema and logit_bias cannot be honoured there, and the request is refused rather than served unconstrained. Send it to a pool with a real backend (cpu, cuda, cann)."
                : $"The backend '{backend}' of worker '{worker}' cannot constrain decoding (response_format json_object/json_schema, logit_bias).",
            param,
            "constrained_decoding_unsupported");

    /// <summary>A grammar or logit bias for a model whose live workers all lack a backend that can shape sampling.</summary>
    public static PipelineError NoConstrainedDecodingWorker(string model, IReadOnlyList<string> backends, bool simulated, string param)
        => Invalid(
            $"No worker serving '{model}' can constrain decoding (response_format json_object/json_schema, logit_bias): the workers that may serve this request run the {string.Join(", ", backends)} backend{(backends.Count == 1 ? string.Empty : "s")}"
            + (simulated ? ", which is simulated: its tokens do not come from a model." : ".")
            + " The request is refused rather than served unconstrained; a real backend (cpu, cuda, cann) serves it.",
            param,
            "constrained_decoding_unsupported");

    public static PipelineError ToolsNotSupported(string model)
        => Invalid($"The chat template of '{model}' does not show tool definitions to the model, so tools cannot be used with it.", "tools", "tools_not_supported");

    public static PipelineError ChatTemplateFailed(string message)
        => Invalid(message, "messages", "chat_template_error");

    public static PipelineError LoneSurrogate(string detail)
        => Invalid($"The request contains a string with a lone UTF-16 surrogate escape (half of a character), which is not valid text. ({detail})", null, "invalid_unicode");

    public static PipelineError UnknownUrl(string method, string path)
        => new(404, ErrorTypes.InvalidRequest, $"Invalid URL ({method} {path}).", null, "unknown_url");

    public static PipelineError MethodNotAllowed(string method, string path)
        => new(405, ErrorTypes.InvalidRequest, $"Method {method} is not allowed for {path}.", null, "method_not_allowed");

    public static PipelineError Unauthorized(string message)
        => new(401, ErrorTypes.Authentication, message, null, "invalid_api_key");

    public static PipelineError GatewayBusy(int limit)
        => new(429, ErrorTypes.RateLimitExceeded, $"The gateway has {limit} requests in flight; retry shortly.", null, "rate_limit_exceeded", 1);

    public static PipelineError ServiceDown(string service)
        => new(503, ErrorTypes.ServiceUnavailable, $"The {service} service is down; retry shortly.", null, $"{service}_unavailable", 2);

    public static PipelineError RouterUnavailable { get; } = new(503, ErrorTypes.ServiceUnavailable, "The router service is not answering; retry shortly.", null, "router_unavailable", 2);

    public static PipelineError PipelineUnavailable { get; } = new(503, ErrorTypes.ServiceUnavailable, "The request pipeline is unavailable (the message bus is reconnecting); retry shortly.", null, "pipeline_unavailable", 1);

    public static PipelineError NoWorker(string model, int retryAfter)
        => new(503, ErrorTypes.ServiceUnavailable, $"No worker serving '{model}' is up right now; retry shortly.", null, "no_worker", retryAfter);

    public static PipelineError FleetAtCapacity(string model, int retryAfter)
        => new(503, ErrorTypes.ServiceUnavailable, $"Every worker serving '{model}' is at capacity; retry shortly.", null, "overloaded", retryAfter);

    public static PipelineError WorkerOverloaded(string message)
        => new(503, ErrorTypes.ServiceUnavailable, message, null, "worker_overloaded", 1);

    public static PipelineError WorkerLoading { get; } = new(503, ErrorTypes.ServiceUnavailable, "The worker is still loading its model.", null, "worker_loading", 2);

    public static PipelineError WorkerLost(string reason)
        => new(503, ErrorTypes.ServiceUnavailable, $"The request could not be completed: {reason}, and no attempts are left.", null, "worker_lost", 1);

    public static PipelineError ModelNotServedHere(string model, string workerId)
        => new(404, ErrorTypes.InvalidRequest, $"The model '{model}' is not served by worker {workerId}.", "model", "model_not_found");

    public static PipelineError PipelineTimeout(string message)
        => new(504, ErrorTypes.Timeout, message, null, "pipeline_timeout", 1);

    public static PipelineError PlacementUnavailable(string model, string placement, int retryAfter)
        => new(503, ErrorTypes.ServiceUnavailable, $"No worker serving '{model}' in the placement your API key is restricted to ({placement}) is up right now; the request is never served elsewhere. Retry shortly.", null, "placement_unavailable", retryAfter);

    /// <summary>A per-key or per-tenant rate limit (requests, tokens per minute, concurrent requests) is exhausted.</summary>
    public static PipelineError RateLimited(string message, int retryAfter)
        => new(429, ErrorTypes.RateLimitExceeded, message, null, "rate_limit_exceeded", Math.Max(1, retryAfter));

    /// <summary>A daily or monthly token budget is spent: OpenAI's <c>insufficient_quota</c>.</summary>
    public static PipelineError QuotaExceeded(string message, int retryAfter)
        => new(429, ErrorTypes.InsufficientQuota, message, null, "insufficient_quota", Math.Max(1, retryAfter));

    /// <summary>The shared limit store (Redis) cannot be reached and the gateway is configured to fail closed.</summary>
    public static PipelineError LimitsUnavailable { get; } = new(503, ErrorTypes.ServiceUnavailable, "Rate limits cannot be checked right now (the limit store is unreachable); retry shortly.", null, "limits_unavailable", 2);

    /// <summary>The tenant store (PostgreSQL) cannot be read and the key was not known to this gateway.</summary>
    public static PipelineError KeyStoreUnavailable { get; } = new(503, ErrorTypes.ServiceUnavailable, "API keys cannot be checked right now (the key store is unreachable); retry shortly.", null, "key_store_unavailable", 2);

    /// <summary>Under overload, this tenant's share of the fleet is taken and its waiting line is full or waited too long.</summary>
    public static PipelineError TenantQueueFull(string model, int retryAfter)
        => new(429, ErrorTypes.RateLimitExceeded, $"The fleet serving '{model}' is at capacity and your share of it is taken; retry shortly.", null, "rate_limit_exceeded", Math.Max(1, retryAfter));

    public static PipelineError PayloadTooLarge(long limit)
        => new(413, ErrorTypes.InvalidRequest, $"The request body is larger than this gateway accepts ({limit} bytes).", null, "request_too_large");

    public static PipelineError UnsupportedMediaType(string? contentType)
        => new(415, ErrorTypes.InvalidRequest, contentType is null ? "Missing content type: send 'Content-Type: application/json'." : $"Unsupported content type '{contentType}': send 'Content-Type: application/json'.", null, "invalid_content_type");

    /// <summary>An error the HTTP framework produced (no route, wrong method, a malformed or oversized request), in OpenAI's shape.</summary>
    public static PipelineError Http(int status, string message, string code)
        => new(status, status >= 500 ? ErrorTypes.ServerError : ErrorTypes.InvalidRequest, message, null, code);

    public static PipelineError EngineFailed(string detail)
        => new(500, ErrorTypes.ServerError, $"The engine failed: {detail}", null, "engine_error");

    public static PipelineError Internal(string service, Exception exception)
        => new(500, ErrorTypes.ServerError, $"The {service} failed while handling the request ({exception.GetType().Name}).", null, "internal_error");
}
