using Suite.Contracts;

namespace Suite.Gateway.Streaming;

/// <summary>This gateway instance's own queue: every chunk, completion and failure for its requests comes here.</summary>
public sealed class ReplyEndpoint
{
    public string Instance { get; } = Suite.ServiceDefaults.Bus.SuiteBusRegistrations.InstanceId;

    public string Queue => QueueNames.Gateway(Instance);

    /// <summary>
    /// The address senders use: the receive endpoint's own input address once the bus is configured (on RabbitMQ it
    /// carries the queue's durable/auto-delete flags, so a sender declaring it matches), else the plain queue address.
    /// </summary>
    public Uri Address { get; internal set; } = QueueNames.Address(QueueNames.Gateway(Suite.ServiceDefaults.Bus.SuiteBusRegistrations.InstanceId));
}
