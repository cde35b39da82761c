namespace Suite.ServiceDefaults.Pipeline;

/// <summary>
/// Moves pipeline messages between processes (RabbitMQ) or within one (in memory). A transport only carries bytes:
/// deserialization, tracing, handlers and failures are the <see cref="PipelineDispatcher"/>'s, the same on both.
/// Delivery is at most once; order is kept per queue when an endpoint handles one message at a time.
/// </summary>
public interface IPipelineTransport
{
    /// <summary>A name for logs and metrics: <c>rabbitmq</c> or <c>in-memory</c>.</summary>
    string Name { get; }

    /// <summary>Hands a message to <paramref name="queue"/>; completes once the transport has it (not once it is handled).</summary>
    Task PublishAsync(string queue, PipelineDelivery delivery, TimeSpan? timeToLive, CancellationToken cancellationToken);
}
