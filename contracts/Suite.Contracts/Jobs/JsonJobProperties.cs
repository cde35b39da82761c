namespace Suite.Contracts.Jobs;

/// <summary>
/// The plain-JSON job contract on RabbitMQ, for any AMQP client (no MassTransit envelope). Publish to the exchange
/// <see cref="QueueNames.JsonJobs"/> a body that is an OpenAI <c>/v1/chat/completions</c> or <c>/v1/completions</c>
/// request (snake_case, validated as the HTTP API validates it; <c>"stream": true</c> asks for chunks), with
/// <c>message_id</c> = the job's id (idempotency), <c>reply_to</c> = your queue, and optionally <c>correlation_id</c>,
/// <c>priority</c> (0–9), <c>expiration</c>, <c>type</c> (<see cref="ChatCompletions"/> or <see cref="Completions"/>;
/// without it a body with <c>messages</c> is a chat completion) and the header <see cref="ApiKeyHeader"/>. Replies go
/// to <c>reply_to</c> through the default exchange with the same <c>correlation_id</c>; their <c>type</c> says what
/// they are (<see cref="ChatCompletionChunk"/>, <see cref="TextCompletionChunk"/>, <see cref="ChatCompletion"/>,
/// <see cref="TextCompletion"/> or <see cref="Error"/>) and <see cref="StatusHeader"/> carries the HTTP status the
/// same answer would have had. The last reply of a job is a completion object or an error.
/// </summary>
public static class JsonJobProperties
{
    /// <summary>The AMQP <c>type</c> of a job for <c>/v1/chat/completions</c>.</summary>
    public const string ChatCompletions = "chat.completions";

    /// <summary>The AMQP <c>type</c> of a job for <c>/v1/completions</c>.</summary>
    public const string Completions = "completions";

    /// <summary>Header with the API key the job runs under (as <c>Authorization: Bearer</c> over HTTP).</summary>
    public const string ApiKeyHeader = "x-api-key";

    /// <summary>Header of every reply: the HTTP status of the same answer (200, or the error's status).</summary>
    public const string StatusHeader = "x-status";

    /// <summary>Header of a dead-lettered job: why it can never run.</summary>
    public const string ErrorReasonHeader = "x-suite-error";

    /// <summary>Header of a dead-lettered job: the status its producer was answered with.</summary>
    public const string ErrorStatusHeader = "x-suite-error-status";

    public const string ChatCompletionChunk = "chat.completion.chunk";

    public const string TextCompletionChunk = "text_completion.chunk";

    public const string ChatCompletion = "chat.completion";

    public const string TextCompletion = "text_completion";

    public const string Error = "error";
}
