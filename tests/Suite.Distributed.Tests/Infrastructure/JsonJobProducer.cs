using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Suite.Contracts;
using Suite.Contracts.Jobs;

namespace Suite.Distributed.Tests.Infrastructure;

/// <summary>
/// A plain-JSON job producer with RabbitMQ.Client, as the README describes: OpenAI request bodies published to the
/// <c>suite-jobs-json</c> exchange, replies read off its own exclusive queue.
/// </summary>
public sealed class JsonJobProducer : IAsyncDisposable
{
    private IConnection _connection = null!;
    private IChannel _channel = null!;

    public string ReplyTo { get; private set; } = string.Empty;

    public ConcurrentQueue<Reply> Replies { get; } = new();

    /// <param name="durableQueue">A durable reply queue of this name (it survives a broker restart, and the client's
    /// recovery consumes it again); by default an exclusive server-named one.</param>
    public static async Task<JsonJobProducer> StartAsync(Uri broker, string? durableQueue = null)
    {
        var producer = new JsonJobProducer();
        producer._connection = await new ConnectionFactory { Uri = broker, AutomaticRecoveryEnabled = true, NetworkRecoveryInterval = TimeSpan.FromSeconds(1) }.CreateConnectionAsync();
        producer._channel = await producer._connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        producer.ReplyTo = durableQueue is null
            ? (await producer._channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true)).QueueName
            : (await producer._channel.QueueDeclareAsync(durableQueue, durable: true, exclusive: false, autoDelete: false)).QueueName;
        var consumer = new AsyncEventingBasicConsumer(producer._channel);
        consumer.ReceivedAsync += (_, message) =>
        {
            var status = message.BasicProperties.Headers?.TryGetValue(JsonJobProperties.StatusHeader, out var s) == true ? Convert.ToInt32(s, System.Globalization.CultureInfo.InvariantCulture) : 0;
            producer.Replies.Enqueue(new Reply(message.BasicProperties.CorrelationId, message.BasicProperties.Type ?? string.Empty, status, JsonDocument.Parse(message.Body).RootElement.Clone()));
            return Task.CompletedTask;
        };
        await producer._channel.BasicConsumeAsync(producer.ReplyTo, autoAck: true, consumer);
        return producer;
    }

    /// <summary>Publishes one job; null properties are left out, as a careless producer would.</summary>
    public async Task PublishAsync(string? id, object body, string? apiKey, string? type = null, byte? priority = null, string? replyTo = "", Dictionary<string, object?>? headers = null)
    {
        var bytes = body is string raw ? Encoding.UTF8.GetBytes(raw) : JsonSerializer.SerializeToUtf8Bytes(body);
        var properties = new BasicProperties
        {
            MessageId = id,
            CorrelationId = id,
            ReplyTo = replyTo == string.Empty ? ReplyTo : replyTo,
            Type = type,
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            Headers = new Dictionary<string, object?>(headers ?? []),
        };
        if (apiKey is not null)
        {
            properties.Headers[JsonJobProperties.ApiKeyHeader] = apiKey;
        }

        if (priority is { } p)
        {
            properties.Priority = p;
        }

        await _channel.BasicPublishAsync(QueueNames.JsonJobs, string.Empty, mandatory: false, properties, bytes);
    }

    public async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return condition();
    }

    /// <summary>The replies of one job so far.</summary>
    public List<Reply> Of(string id) => Replies.Where(r => r.CorrelationId == id).ToList();

    /// <summary>The terminal replies (a completion object or an error) of one job so far.</summary>
    public List<Reply> Results(string id) => Of(id).Where(r => !r.Type.EndsWith(".chunk", StringComparison.Ordinal)).ToList();

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }

    public sealed record Reply(string? CorrelationId, string Type, int Status, JsonElement Body);
}
