using System.Collections.Concurrent;
using MassTransit;

namespace Suite.ServiceDefaults.Bus.HotPath;

/// <summary>Sends <c>hot:</c> addresses over the hot path and everything else through MassTransit.</summary>
public sealed class PipelineSender(IBus bus, HotPathConnection? hot = null) : IPipelineSender
{
    private readonly ConcurrentDictionary<Uri, ISendEndpoint> _endpoints = new();

    public async Task SendAsync<T>(Uri address, T message, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
        where T : class
    {
        if (PipelineAddresses.TryGetHotQueue(address, out var queue))
        {
            if (hot is null)
            {
                throw new InvalidOperationException($"'{address}' is a hot-path address, but this process has no hot path (it needs RabbitMQ and Bus__HotPath=true).");
            }

            await hot.PublishAsync(queue, message, timeToLive, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!_endpoints.TryGetValue(address, out var endpoint))
        {
            endpoint = await bus.GetSendEndpoint(address).ConfigureAwait(false);
            _endpoints[address] = endpoint;
        }

        if (timeToLive is { } ttl)
        {
            await endpoint.Send(message, context => context.TimeToLive = ttl, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await endpoint.Send(message, cancellationToken).ConfigureAwait(false);
        }
    }
}
