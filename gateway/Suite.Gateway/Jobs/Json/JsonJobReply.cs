using System.Buffers;
using System.Text.Json;
using RabbitMQ.Client;
using Suite.Contracts;
using Suite.Contracts.Jobs;
using Suite.Gateway.OpenAi;
using Suite.Gateway.Sessions;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.Jobs.Json;

/// <summary>
/// The reply of a plain-JSON producer: each job message as the OpenAI object an HTTP client would read, written by the
/// HTTP API's own writers (<see cref="ResponseWriter"/>, <see cref="ErrorWriter"/>), published to <c>reply_to</c> with
/// the job's <c>correlation_id</c> (its <c>message_id</c> when it has none), its kind in <c>type</c> and its HTTP status in <see cref="JsonJobProperties.StatusHeader"/>.
/// Ids are the job's (<c>chatcmpl-</c>/<c>cmpl-</c> + its id), so a result answered again is the same object.
/// </summary>
public sealed class JsonJobReply(IJsonJobPublisher publisher, string replyTo, string? correlationId, string? messageId, GenerationKind kind, string model, Guid jobId) : IJobReply
{
    private readonly string _id = (kind == GenerationKind.ChatCompletion ? "chatcmpl-" : "cmpl-") + jobId.ToString("N");

    public Task SendAsync(object message, CancellationToken cancellationToken)
    {
        var chat = kind == GenerationKind.ChatCompletion;
        var buffer = new ArrayBufferWriter<byte>(512);
        string type;
        int status = 200;
        using (var json = JsonOutput.Create(buffer))
        {
            switch (message)
            {
                case GenerationJobChunk chunk:
                    type = chat ? JsonJobProperties.ChatCompletionChunk : JsonJobProperties.TextCompletionChunk;
                    Writer(DateTimeOffset.UtcNow).WriteChunk(json, chunk.Text, withRole: chunk.Index == 0, finishReason: null, includeUsageField: false);
                    break;
                case GenerationJobCompleted completed:
                    type = chat ? JsonJobProperties.ChatCompletion : JsonJobProperties.TextCompletion;
                    Writer(completed.CompletedAt).WriteComplete(json, completed.Text, ResponseWriter.FinishReasonText(completed.FinishReason), completed.PromptTokens, completed.CompletionTokens);
                    break;
                case GenerationJobFailed failed:
                    (type, status) = (JsonJobProperties.Error, failed.StatusCode);
                    ErrorWriter.WriteBody(json, new PipelineError(failed.StatusCode, failed.Type, failed.Message, null, failed.Code));
                    break;
                case PipelineError error:
                    (type, status) = (JsonJobProperties.Error, error.StatusCode);
                    ErrorWriter.WriteBody(json, error);
                    break;
                default:
                    throw new ArgumentException($"A job reply cannot carry a {message.GetType().Name}.", nameof(message));
            }
        }

        return publisher.PublishAsync(replyTo, Properties(correlationId, messageId, type, status), buffer.WrittenMemory, cancellationToken);
    }

    /// <summary>The properties of a reply: persistent JSON, the job's correlation id, what it is and its status.</summary>
    public static BasicProperties Properties(string? correlationId, string? messageId, string type, int status) => new()
    {
        ContentType = "application/json",
        DeliveryMode = DeliveryModes.Persistent,
        CorrelationId = correlationId ?? messageId,
        Type = type,
        Headers = new Dictionary<string, object?> { [JsonJobProperties.StatusHeader] = status },
    };

    private ResponseWriter Writer(DateTimeOffset created) => new(kind, _id, created.ToUnixTimeSeconds(), model);
}
