using RabbitMQ.Client;

namespace Suite.ServiceDefaults.Bus;

/// <summary>
/// The one way this suite opens a RabbitMQ.Client connection outside MassTransit (the pipeline's hot path, the
/// plain-JSON jobs door): automatic connection and topology recovery every second after a broker restart, and the
/// <see cref="BusOptions.HeartbeatSeconds"/> heartbeat, so a connection that stops answering is found dead and rebuilt.
/// </summary>
public static class RabbitMqConnections
{
    public static ConnectionFactory Factory(BusOptions options, string name) => new()
    {
        Uri = new Uri(options.RabbitMqUri),
        AutomaticRecoveryEnabled = true,
        TopologyRecoveryEnabled = true,
        NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
        RequestedHeartbeat = TimeSpan.FromSeconds(options.HeartbeatSeconds),
        ClientProvidedName = $"{name}-{SuiteBusRegistrations.InstanceId}",
    };
}
