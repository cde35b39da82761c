using System.Text.Json;

namespace Suite.ServiceDefaults.Pipeline;

/// <summary>Sends pipeline messages over this process's transport: typed by their runtime type, traced with the current span.</summary>
public sealed class PipelineSender(IPipelineTransport transport) : IPipelineSender
{
    public Task SendAsync<T>(Uri address, T message, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
        where T : class
    {
        if (!PipelineAddresses.TryGetQueue(address, out var queue))
        {
            throw new ArgumentException($"'{address}' is not a pipeline address ({PipelineAddresses.Scheme}:queue).", nameof(address));
        }

        var type = message.GetType();
        var body = JsonSerializer.SerializeToUtf8Bytes(message, type, PipelineMessage.Json);
        var (traceParent, traceState) = PipelineTracing.Current();
        return transport.PublishAsync(queue, new PipelineDelivery(PipelineMessage.TypeName(type), body, traceParent, traceState), timeToLive, cancellationToken);
    }
}
