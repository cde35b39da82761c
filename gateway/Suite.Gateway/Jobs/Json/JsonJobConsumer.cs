using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Suite.Contracts;
using Suite.Contracts.Jobs;
using Suite.ServiceDefaults.Bus;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.Jobs.Json;

/// <summary>
/// The plain-JSON door for queue jobs (distributed mode): consumes <see cref="QueueNames.JsonJobs"/> with RabbitMQ.Client
/// and hands every job to the same <see cref="JobIntake"/> and <see cref="JobRunner"/> as MassTransit jobs. A message
/// is acknowledged only after its result was sent (or, for one that can never run, after it was dead-lettered), so a
/// gateway that dies leaves its jobs on the queue for another. A poison message (no id, not JSON, an invalid request)
/// is answered with the error at <c>reply_to</c> and moved to <see cref="QueueNames.JsonJobsError"/> with its reason in
/// <see cref="JsonJobProperties.ErrorReasonHeader"/>; everything else that fails is retried within the job's budget.
/// The connection uses <c>Bus__HeartbeatSeconds</c> and recovers by itself after a broker restart, as the pipeline's does.
/// </summary>
public sealed partial class JsonJobConsumer(
    BusOptions bus,
    JobIntake intake,
    JobRunner runner,
    IOptions<GatewayOptions> gateway,
    IHostApplicationLifetime lifetime,
    ILogger<JsonJobConsumer> logger) : BackgroundService, IJsonJobPublisher
{
    public const string Ingress = "queue:" + QueueNames.JsonJobs;

    private readonly ConcurrentDictionary<long, Task> _inFlight = new();
    private long _received;
    private readonly SemaphoreSlim _publisherGate = new(1, 1);
    private IConnection? _connection;
    private IChannel? _consumer;
    private volatile IChannel? _publisher;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var factory = RabbitMqConnections.Factory(bus, "suite-jobs-json");
        while (_connection is null)
        {
            try
            {
                _connection = await factory.CreateConnectionAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException && !stoppingToken.IsCancellationRequested)
            {
                // The broker may still be starting; jobs wait on their durable queue meanwhile.
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
        }

        _connection.ConnectionShutdownAsync += (_, e) =>
        {
            if (!stoppingToken.IsCancellationRequested)
            {
                LogConnectionLost(logger, e.ReplyText);
            }

            return Task.CompletedTask;
        };
        var channel = await _connection.CreateChannelAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
        _consumer = channel;
        await DeclareAsync(channel, stoppingToken).ConfigureAwait(false);
        await channel.BasicQosAsync(0, (ushort)Math.Min(gateway.Value.MaxConcurrentJobs, ushort.MaxValue), false, stoppingToken).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            // The body is only valid during this callback, and the channel delivers one callback at a time: copy it and
            // let the job run on its own.
            var message = new Delivery(Interlocked.Increment(ref _received), delivery.DeliveryTag, delivery.Redelivered, new BasicProperties(delivery.BasicProperties), delivery.Body.ToArray());
            var handling = Task.Run(() => HandleAsync(channel, message));
            _inFlight[message.Number] = handling;
            if (handling.IsCompleted)
            {
                _inFlight.TryRemove(message.Number, out Task? _);
            }

            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(QueueNames.JsonJobs, autoAck: false, consumer, stoppingToken).ConfigureAwait(false);
        LogConsuming(logger, QueueNames.JsonJobs);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        // Jobs watch the application's stopping token: they give up, release their claims and go back to the queue.
        try
        {
            await Task.WhenAll(_inFlight.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Out of shutdown time: closing the channel returns the rest to the queue; their claims run out with their lease.
        }

        foreach (var channel in new[] { _consumer, _publisher })
        {
            try
            {
                await (channel?.CloseAsync(cancellationToken) ?? Task.CompletedTask).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or OperationCanceledException or IOException)
            {
            }
        }

        if (_connection is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Declares the contract's topology (idempotent, recovered with the connection): the fanout exchange and the
    /// durable priority queue bound to it, whose dead letters (expired messages) go to the error queue.
    /// </summary>
    public static async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(QueueNames.JsonJobs, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(QueueNames.JsonJobsError, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(QueueNames.JsonJobs, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
        {
            ["x-max-priority"] = 9,
            ["x-dead-letter-exchange"] = string.Empty,
            ["x-dead-letter-routing-key"] = QueueNames.JsonJobsError,
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(QueueNames.JsonJobs, QueueNames.JsonJobs, string.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task PublishAsync(string queue, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var channel = await PublisherAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // With confirmations tracked, this completes when the broker has the message (persisted, for a durable queue).
            await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, body, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A publish that failed or timed out (a confirm that never came after a broker restart) may leave its channel
            // unusable: the next one gets a fresh channel.
            Interlocked.CompareExchange(ref _publisher, null, channel);
            _ = channel.DisposeAsync().AsTask().ContinueWith(static _ => { }, TaskScheduler.Default);
            throw;
        }
    }

    private async Task<IChannel> PublisherAsync(CancellationToken cancellationToken)
    {
        if (_publisher is { IsOpen: true } open)
        {
            return open;
        }

        await _publisherGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_publisher is { IsOpen: true } again)
            {
                return again;
            }

            var connection = _connection ?? throw new InvalidOperationException("The plain-JSON job consumer is not connected to RabbitMQ yet.");
            _publisher = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken).ConfigureAwait(false);
            return _publisher;
        }
        finally
        {
            _publisherGate.Release();
        }
    }

    private async Task HandleAsync(IChannel channel, Delivery delivery)
    {
        var stopping = lifetime.ApplicationStopping;
        try
        {
            var properties = delivery.Properties;
            if (properties.ReplyTo is not { Length: > 0 } replyTo)
            {
                await DeadLetterAsync(channel, delivery, PipelineErrors.InvalidJob("The reply_to property is required: it names the queue that gets the job's result.", "reply_to"), stopping).ConfigureAwait(false);
                return;
            }

            var (read, error) = JsonJobReader.Read(properties, delivery.Body);
            if (read is null)
            {
                var refusal = new JsonJobReply(this, replyTo, properties.CorrelationId, properties.MessageId, Sessions.GenerationKind.Completion, string.Empty, Guid.Empty);
                await runner.DeliverAsync(refusal, error!, stopping).ConfigureAwait(false);
                await DeadLetterAsync(channel, delivery, error!, stopping).ConfigureAwait(false);
                return;
            }

            var job = read.Job;
            var reply = new JsonJobReply(this, replyTo, properties.CorrelationId, properties.MessageId, read.Kind, job.Model, job.JobId);
            if (await intake.AnswerAsync(job, reply, Ingress, delivery.Redelivered, stopping).ConfigureAwait(false))
            {
                await channel.BasicAckAsync(delivery.Tag, multiple: false, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                LogGivenUp(logger, job.JobId);
                await channel.BasicNackAsync(delivery.Tag, multiple: false, requeue: true, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or OperationCanceledException or IOException)
        {
            // The channel went away (a broker restart, or this gateway stopping): the broker redelivers the message, and
            // the job store makes the redelivery answer this run's result instead of running it again.
            LogAckLost(logger, delivery.Properties.MessageId, e.Message);
        }
        catch (Exception e)
        {
            LogHandlerFailed(logger, delivery.Properties.MessageId, e);
            await TryNackAsync(channel, delivery).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(delivery.Number, out _);
        }
    }

    /// <summary>Moves a message that can never run to the error queue, its reason in a header, then acknowledges it.</summary>
    private async Task DeadLetterAsync(IChannel channel, Delivery delivery, PipelineError reason, CancellationToken stopping)
    {
        LogDeadLettered(logger, delivery.Properties.MessageId, reason.Message);
        var properties = new BasicProperties(delivery.Properties)
        {
            DeliveryMode = DeliveryModes.Persistent,
        };
        properties.Headers = new Dictionary<string, object?>(delivery.Properties.Headers ?? new Dictionary<string, object?>())
        {
            [JsonJobProperties.ErrorReasonHeader] = Encoding.UTF8.GetBytes(reason.Message),
            [JsonJobProperties.ErrorStatusHeader] = reason.StatusCode,
        };

        // Its own expiration would let it vanish from the error queue.
        properties.ClearExpiration();
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        bounded.CancelAfter(JobRunner.SendTimeout);
        await PublishAsync(QueueNames.JsonJobsError, properties, delivery.Body, bounded.Token).ConfigureAwait(false);
        await channel.BasicAckAsync(delivery.Tag, multiple: false, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task TryNackAsync(IChannel channel, Delivery delivery)
    {
        try
        {
            await channel.BasicNackAsync(delivery.Tag, multiple: false, requeue: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or IOException)
        {
            LogAckLost(logger, delivery.Properties.MessageId, e.Message);
        }
    }

    /// <summary>A message taken off the queue: <see cref="Number"/> counts deliveries (a channel's tags restart when it recovers).</summary>
    private sealed record Delivery(long Number, ulong Tag, bool Redelivered, BasicProperties Properties, byte[] Body);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming plain-JSON jobs from {Queue}")]
    private static partial void LogConsuming(ILogger logger, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The plain-JSON job connection was lost ({Reason}); it recovers by itself")]
    private static partial void LogConnectionLost(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plain-JSON job {MessageId} dead-lettered: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string? messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plain-JSON job {JobId} was given up: the gateway is stopping; it goes back to the queue")]
    private static partial void LogGivenUp(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plain-JSON job {MessageId}: its acknowledgement could not be sent ({Reason}); the broker redelivers it")]
    private static partial void LogAckLost(ILogger logger, string? messageId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Plain-JSON job {MessageId} failed in the gateway; it goes back to the queue")]
    private static partial void LogHandlerFailed(ILogger logger, string? messageId, Exception exception);
}
