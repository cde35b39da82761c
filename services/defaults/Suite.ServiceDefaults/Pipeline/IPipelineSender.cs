namespace Suite.ServiceDefaults.Pipeline;

/// <summary>
/// Sends a pipeline message to a <c>pipeline:</c> address over this process's pipeline transport, with the current
/// trace context. <paramref name="timeToLive"/> drops a message nobody consumed in time.
/// </summary>
public interface IPipelineSender
{
    Task SendAsync<T>(Uri address, T message, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
        where T : class;
}
