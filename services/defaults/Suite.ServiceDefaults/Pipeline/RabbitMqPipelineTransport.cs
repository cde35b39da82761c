using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Suite.ServiceDefaults.Pipeline;

/// <summary>
/// The pipeline transport of distributed mode (the "hot path"): one RabbitMQ.Client connection per process, with a
/// publishing channel and one consuming channel per <see cref="PipelineEndpoint"/>. MassTransit costs 1.5–3 ms per hop
/// here (its send and receive pipelines, envelope and consumer scopes); a request crosses four hops before its first
/// token, so those hops use plain queues. Everything else (heartbeats, cancellations, jobs, health, telemetry) stays on
/// MassTransit. The message type travels in the AMQP <c>type</c> property, the trace context in the
/// <c>traceparent</c>/<c>tracestate</c> headers.
/// <para>
/// Messages are transient and published without confirms: a send while the connection is down fails at once, and a
/// message lost inside a dying broker is recovered end to end by the gateway (stall detection and failover resume the
/// request from the tokens it already has), as for any pipeline message. Waiting for a confirm on every hop and every
/// chunk batch would add a broker round trip to each. The client recovers the connection, queues and consumers after
/// a broker restart. Accepted jobs are not on this path: they stay on their durable MassTransit queue until done.
/// </para>
/// </summary>
public sealed partial class RabbitMqPipelineTransport(
    Bus.BusOptions options,
    IReadOnlyList<PipelineEndpoint> endpoints,
    Lazy<PipelineDispatcher> dispatcher,
    ILogger<RabbitMqPipelineTransport> logger) : IPipelineTransport, IHostedService, IAsyncDisposable
{
    private const string TraceParentHeader = "traceparent";
    private const string TraceStateHeader = "tracestate";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<string, bool> _declared = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<IChannel> _consumers = [];
    private IConnection? _connection;
    private volatile Publisher? _publisher;
    private int _replacing;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var factory = Bus.RabbitMqConnections.Factory(options, "suite-pipeline");
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
            LogRecovered(logger);
            return Task.CompletedTask;
        };
        _connection.ConnectionShutdownAsync += (_, e) =>
        {
            if (!_stopping.IsCancellationRequested)
            {
                LogConnectionLost(logger, e.ReplyText);
            }

            return Task.CompletedTask;
        };
        _connection.ConnectionRecoveryErrorAsync += (_, e) =>
        {
            LogRecoveryFailed(logger, e.Exception.Message);
            return Task.CompletedTask;
        };
        _publisher = new Publisher(await CreatePublishingChannelAsync(_connection, timeout.Token).ConfigureAwait(false));
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

    public string Name => "rabbitmq";

    /// <summary>
    /// Publishes to <paramref name="queue"/>; completes once the message is written to the connection, or fails with a
    /// <see cref="TimeoutException"/> after <see cref="PublishTimeout"/>. After a broker restart a publish can block
    /// for minutes without failing (RabbitMQ.Client 7.2.x, rabbitmq-dotnet-client issues #1928 and #1930); unbounded,
    /// it held every later publish of this process behind it, and with them failover (a resumed request is a
    /// publish). A publish that times out leaves its channel to finish on its own, and later ones go to a new channel.
    /// </summary>
    public async Task PublishAsync(string queue, PipelineDelivery delivery, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        var publisher = _publisher ?? throw new InvalidOperationException("The pipeline is not connected to RabbitMQ yet.");
        var properties = new BasicProperties
        {
            Type = delivery.Type,
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Transient,
        };
        if (delivery.TraceParent is { } traceParent)
        {
            properties.Headers = new Dictionary<string, object?> { [TraceParentHeader] = traceParent };
            if (delivery.TraceState is { Length: > 0 } traceState)
            {
                properties.Headers[TraceStateHeader] = traceState;
            }
        }

        if (timeToLive is { } ttl)
        {
            properties.Expiration = ((long)ttl.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }

        // One writer at a time on a publishing channel; without confirms each publish only writes a frame, so the usual
        // case finishes at once and costs no timer: the bound is paid only by a publish that has to wait.
        if (!await publisher.Gate.WaitAsync(PublishTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw Stuck(queue, publisher);
        }

        Task publish;
        try
        {
            publish = PublishOnAsync(publisher.Channel, queue, properties, delivery.Body, cancellationToken);
        }
        catch
        {
            publisher.Gate.Release();
            throw;
        }

        if (publish.IsCompleted)
        {
            publisher.Gate.Release();
            await publish.ConfigureAwait(false);
            return;
        }

        // The channel is free for the next publish only when this one has really ended, even if we stop waiting.
        _ = publish.ContinueWith(static (_, gate) => ((SemaphoreSlim)gate!).Release(), publisher.Gate, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            await publish.WaitAsync(PublishTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw Stuck(queue, publisher);
        }
    }

    /// <summary>How long one publish may take before it is given up as stuck.</summary>
    internal static TimeSpan PublishTimeout { get; } = TimeSpan.FromSeconds(5);

    public async ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        if (_publisher is { } publisher)
        {
            await publisher.Channel.DisposeAsync().ConfigureAwait(false);
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

    private static Task<IChannel> CreatePublishingChannelAsync(IConnection connection, CancellationToken cancellationToken)
        => connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false),
            cancellationToken);

    private async Task PublishOnAsync(IChannel channel, string queue, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
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

    /// <summary>The publish did not end in time: later publishes get a new channel; the caller retries or fails over.</summary>
    private TimeoutException Stuck(string queue, Publisher publisher)
    {
        LogPublishStuck(logger, queue, PublishTimeout.TotalSeconds);
        _ = ReplacePublisherAsync(publisher);
        return new TimeoutException($"Publishing to {queue} did not complete within {PublishTimeout.TotalSeconds:0} s.");
    }

    private async Task ReplacePublisherAsync(Publisher stuck)
    {
        if (_connection is not { } connection || _publisher != stuck || Interlocked.CompareExchange(ref _replacing, 1, 0) != 0)
        {
            return;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(PublishTimeout);
            _publisher = new Publisher(await CreatePublishingChannelAsync(connection, timeout.Token).ConfigureAwait(false));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The connection itself is not usable yet; the next stuck publish tries again.
            LogPublisherNotReplaced(logger, e.Message);
        }
        finally
        {
            Volatile.Write(ref _replacing, 0);
        }
    }

    private static Task DeclareAsync(IChannel channel, string queue, bool shared, CancellationToken cancellationToken)
        => channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: !shared, arguments: null, cancellationToken: cancellationToken);

    private static string? Header(IReadOnlyBasicProperties properties, string name)
        => properties.Headers?.TryGetValue(name, out var value) == true
            ? value switch { byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes), string text => text, _ => null }
            : null;

    private async Task<IChannel> ConsumeAsync(IConnection connection, PipelineEndpoint endpoint, CancellationToken cancellationToken)
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
                var properties = delivery.BasicProperties;
                await dispatcher.Value.DispatchAsync(
                    endpoint,
                    new PipelineDelivery(properties.Type, delivery.Body, Header(properties, TraceParentHeader), Header(properties, TraceStateHeader)),
                    Name,
                    _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline (RabbitMQ): connection lost: {Reason}")]
    private static partial void LogConnectionLost(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline (RabbitMQ): connection not recovered yet: {Reason}")]
    private static partial void LogRecoveryFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline (RabbitMQ): connection recovered, with its queues and consumers")]
    private static partial void LogRecovered(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline (RabbitMQ): a publish to {Queue} did not complete within {Seconds} s; later publishes use a new channel")]
    private static partial void LogPublishStuck(ILogger logger, string queue, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline (RabbitMQ): could not open a new publishing channel: {Reason}")]
    private static partial void LogPublisherNotReplaced(ILogger logger, string reason);

    /// <summary>A publishing channel and the gate that keeps one writer on it at a time.</summary>
    private sealed class Publisher(IChannel channel)
    {
        public IChannel Channel { get; } = channel;

        public SemaphoreSlim Gate { get; } = new(1, 1);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline (RabbitMQ): consuming {Queue} ({Types})")]
    private static partial void LogConsuming(ILogger logger, string queue, string types);
}
