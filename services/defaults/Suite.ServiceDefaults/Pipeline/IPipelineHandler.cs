namespace Suite.ServiceDefaults.Pipeline;

/// <summary>
/// Handles one pipeline message. Written once, bound to whichever pipeline transport the host runs (in memory in
/// embedded mode, RabbitMQ in distributed mode) by a <see cref="PipelineEndpoint"/>; both deliver it the same way.
/// </summary>
public interface IPipelineHandler<in T>
    where T : class
{
    Task HandleAsync(T message, CancellationToken cancellationToken);
}
