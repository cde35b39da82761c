using RabbitMQ.Client;

namespace Suite.Gateway.Jobs.Json;

/// <summary>Publishes one persistent message through the default exchange (to a queue by name), confirmed by the broker.</summary>
public interface IJsonJobPublisher
{
    Task PublishAsync(string queue, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken);
}
