using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using Suite.Contracts;
using Suite.Contracts.Jobs;
using Suite.Gateway.OpenAi;
using Suite.Gateway.Sessions;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.Jobs.Json;

/// <summary>
/// Reads a plain-JSON job: the AMQP properties say which job it is and where it is answered, the body is an OpenAI
/// request, validated by the HTTP API's own <see cref="RequestParser"/> (so a job is refused exactly as the same body
/// sent over HTTP would be). The first problem is returned as the error its producer is answered with.
/// </summary>
public static class JsonJobReader
{
    public static (JsonJob? Job, PipelineError? Error) Read(IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body)
    {
        if (properties.MessageId is not { Length: > 0 } messageId)
        {
            return (null, PipelineErrors.InvalidJob("The message_id property is required: it is the job's id, by which a resubmitted job is recognised.", "message_id"));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return (null, PipelineErrors.InvalidJson(e.Message));
        }

        using (document)
        {
            var root = document.RootElement;
            GenerationKind kind;
            switch (properties.Type)
            {
                case null or "":
                    kind = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("messages", out _) ? GenerationKind.ChatCompletion : GenerationKind.Completion;
                    break;
                case JsonJobProperties.ChatCompletions:
                    kind = GenerationKind.ChatCompletion;
                    break;
                case JsonJobProperties.Completions:
                    kind = GenerationKind.Completion;
                    break;
                default:
                    return (null, PipelineErrors.InvalidJob($"Unknown job type '{properties.Type}': expected '{JsonJobProperties.ChatCompletions}' or '{JsonJobProperties.Completions}'.", "type"));
            }

            var (parsed, invalid) = RequestParser.Parse(root, kind);
            if (invalid is not null)
            {
                return (null, invalid);
            }

            var request = parsed!.Request;

            // The AMQP priority orders the queue (0–9); it is the job's priority too, as for MassTransit jobs.
            var priority = properties.IsPriorityPresent() ? Math.Min((int)properties.Priority, 9) : request.Priority;
            var job = new SubmitGenerationJob(
                JobIdOf(messageId),
                request.Model,
                request.Input,
                request.Sampling,
                request.Limits,
                new Uri("queue:" + Uri.EscapeDataString(properties.ReplyTo ?? string.Empty)),
                priority,
                parsed.Stream,
                ApiKeyOf(properties));
            return (new JsonJob(job, kind), null);
        }
    }

    /// <summary>
    /// The job id of a <c>message_id</c>: the GUID itself when it is one (so a MassTransit job and a JSON job with the
    /// same id are the same job), otherwise a name-based GUID of the text, so any string identifies a job.
    /// </summary>
    public static Guid JobIdOf(string messageId)
    {
        if (Guid.TryParse(messageId, out var id))
        {
            return id;
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("suite-job:" + messageId), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    private static string? ApiKeyOf(IReadOnlyBasicProperties properties)
        => (properties.Headers is { } headers && headers.TryGetValue(JsonJobProperties.ApiKeyHeader, out var value) ? value : null) switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            string text => text,
            _ => null,
        };
}
