namespace Suite.ServiceDefaults.Bus.HotPath;

/// <summary>
/// Handles one pipeline message, whichever transport delivered it: a MassTransit consumer (embedded mode, or a
/// producer that sends through MassTransit) or the raw RabbitMQ hot path.
/// </summary>
public interface IPipelineHandler<in T>
    where T : class
{
    Task HandleAsync(T message, CancellationToken cancellationToken);
}
