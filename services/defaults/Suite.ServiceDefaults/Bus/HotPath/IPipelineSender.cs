namespace Suite.ServiceDefaults.Bus.HotPath;

/// <summary>
/// Sends a pipeline message to an address: a <c>hot:</c> address over the raw RabbitMQ hot path, any other address
/// through MassTransit.
/// </summary>
public interface IPipelineSender
{
    Task SendAsync<T>(Uri address, T message, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
        where T : class;
}
