using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Suite.ServiceDefaults.Bus.HotPath;

/// <summary>
/// The request pipeline's hot path: one RabbitMQ.Client connection per process, with a publishing channel and one
/// consuming channel per <see cref="HotEndpoint"/>. MassTransit costs 1.5–3 ms per hop here (its send and receive
/// pipelines, envelope and consumer scopes); a request crosses four hops before its first token, so those hops use
/// plain queues. Everything else (heartbeats, cancellations, jobs, health, telemetry) stays on MassTransit.
/// <para>
/// Messages are transient and published without confirms: a send while the connection is down fails at once, and a
/// message lost inside a dying broker is recovered end to end by the gateway (stall detection and failover resume the
/// request from the tokens it already has), as for any pipeline message. Waiting for a confirm on every hop and every
/// chunk batch would add a broker round trip to each. The client recovers the connection, queues and consumers after
/// a broker restart. Accepted jobs are not on this path: they stay on their durable MassTransit queue until done.
/// </para>
/// </summary>
public sealed partial class HotPathConnection(
    BusOptions options,
    IReadOnlyList<HotEndpoint> endpoints,
    IServiceProvider services,
    ILogger<HotPathConnection> logger) : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<string, bool> _declared = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<IChannel> _consumers = [];
    private readonly SemaphoreSlim _publishing = new(1, 1);
    private IConnection? _connection;
    private IChannel? _publisher;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(options.RabbitMqUri),
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
            RequestedHeartbeat = TimeSpan.FromSeconds(10),
            ClientProvidedName = $"suite-hot-{SuiteBusRegistrations.InstanceId}",
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        while (true)
        {
            try
            {
                _connection = await factory.CreateConnectionAsync(timeout.Token).ConfigureAwait(false);
                break;
            }
            catch (Exception e) when (e is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException && !timeout.IsCancellationRequested)
            {
                // The broker may still be starting.
                await Task.Delay(TimeSpan.FromMilliseconds(500), timeout.Token).ConfigureAwait(false);
            }
        }

        // After a recovery the broker may have lost shared queues (they are not durable): declare again on next send.
        _connection.RecoverySucceededAsync += (_, _) =>
        {
            _declared.Clear();
            return Task.CompletedTask;
        };
        _publisher = await _connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false),
            timeout.Token).ConfigureAwait(false);
        foreach (var endpoint in endpoints)
        {
            _consumers.Add(await ConsumeAsync(_connection, endpoint, timeout.Token).ConfigureAwait(false));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var channel in _consumers)
        {
            try
            {
                await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or OperationCanceledException or IOException)
            {
            }
        }
    }

    /// <summary>Publishes <paramref name="message"/> to <paramref name="queue"/>; completes once it is written to the connection.</summary>
    public async Task PublishAsync<T>(string queue, T message, TimeSpan? timeToLive, CancellationToken cancellationToken)
        where T : class
    {
        var channel = _publisher ?? throw new InvalidOperationException("The hot path is not connected yet.");
        var properties = new BasicProperties
        {
            Type = HotMessage.TypeName(typeof(T)),
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Transient,
        };
        if (timeToLive is { } ttl)
        {
            properties.Expiration = ((long)ttl.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(message, HotMessage.Json);

        // One writer at a time on the shared publishing channel; without confirms each publish only writes a frame.
        await _publishing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (PipelineAddresses.IsShared(queue) && !_declared.ContainsKey(queue))
            {
                // The queue may not exist yet (its consumers not started, or a broker restarted); a publish to a
                // missing queue is silently dropped, so declare it (idempotent) once per connection.
                await DeclareAsync(channel, queue, shared: true, cancellationToken).ConfigureAwait(false);
                _declared[queue] = true;
            }

            await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, body, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _publishing.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        _publishing.Dispose();
        if (_publisher is not null)
        {
            await _publisher.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var channel in _consumers)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static Task DeclareAsync(IChannel channel, string queue, bool shared, CancellationToken cancellationToken)
        => channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: !shared, arguments: null, cancellationToken: cancellationToken);

    private async Task<IChannel> ConsumeAsync(IConnection connection, HotEndpoint endpoint, CancellationToken cancellationToken)
    {
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(false, false, consumerDispatchConcurrency: (ushort)endpoint.Concurrency),
            cancellationToken).ConfigureAwait(false);
        await DeclareAsync(channel, endpoint.Queue, endpoint.Shared, cancellationToken).ConfigureAwait(false);
        await channel.BasicQosAsync(0, (ushort)Math.Max(16, endpoint.Concurrency * 4), global: false, cancellationToken).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            try
            {
                if (endpoint.TryGetHandler(delivery.BasicProperties.Type, out var handler))
                {
                    await handler(services, delivery.Body, _stopping.Token).ConfigureAwait(false);
                }
                else
                {
                    LogUnknownType(logger, endpoint.Queue, delivery.BasicProperties.Type ?? "(none)");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !_stopping.IsCancellationRequested)
            {
                // A poison or failing message is dropped, never redelivered in a loop: the gateway that sent it
                // answers its client (stall detection), and the log says why.
                LogHandlerFailed(logger, e, endpoint.Queue, delivery.BasicProperties.Type ?? "(none)");
            }

            if (!endpoint.Shared)
            {
                return;
            }

            try
            {
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or IOException)
            {
                // The channel went away (broker restart): the message is redelivered after recovery.
            }
        };
        // A shared queue's message is acknowledged once handled, so another instance gets it if this one dies first.
        // A process's own queue is deleted with its consumer, so nothing could be redelivered: its messages (every
        // chunk batch, at one per decode step) are not acknowledged: the broker is spared one acknowledgement each.
        await channel.BasicConsumeAsync(endpoint.Queue, autoAck: !endpoint.Shared, consumer, cancellationToken).ConfigureAwait(false);
        LogConsuming(logger, endpoint.Queue, string.Join(", ", endpoint.MessageTypes.Select(t => t[(t.LastIndexOf('.') + 1)..])));
        return channel;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Hot path: consuming {Queue} ({Types})")]
    private static partial void LogConsuming(ILogger logger, string queue, string types);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hot path: {Queue} got a message of unknown type {Type}; dropped")]
    private static partial void LogUnknownType(ILogger logger, string queue, string type);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hot path: handling a {Type} from {Queue} failed; dropped")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string queue, string type);
}
