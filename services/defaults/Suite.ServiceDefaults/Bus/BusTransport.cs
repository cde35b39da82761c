namespace Suite.ServiceDefaults.Bus;

/// <summary>The message transport.</summary>
public enum BusTransport
{
    InMemory = 0,
    RabbitMq = 1,
}
