using System.ComponentModel.DataAnnotations;

namespace Suite.ServiceDefaults.Bus;

/// <summary>
/// Which transport the bus uses. <c>InMemory</c> (embedded mode: every service in one process) or <c>RabbitMq</c>
/// (distributed mode). Bound from the <c>Bus</c> section; environment variables <c>SUITE_BUS__TRANSPORT</c>,
/// <c>SUITE_BUS__HOST</c>, … or the shorthand <c>SUITE_RABBITMQ_URI</c>.
/// </summary>
public sealed class BusOptions
{
    public const string Section = "Bus";

    public BusTransport Transport { get; set; } = BusTransport.InMemory;

    /// <summary>amqp://user:pass@host:port/vhost — used when Transport is RabbitMq.</summary>
    public string RabbitMqUri { get; set; } = "amqp://guest:guest@127.0.0.1:5672/";

    /// <summary>
    /// AMQP heartbeat of every connection to the broker, in seconds. A connection that stops answering (a broker that
    /// restarted under it, a half-open socket) is found dead after two missed heartbeats and rebuilt. The client's
    /// default (60 s) left a dead connection unnoticed for two minutes after a broker restart, with every job and
    /// cancellation of the process waiting on it.
    /// </summary>
    [Range(1, 600)]
    public int HeartbeatSeconds { get; set; } = 10;

    /// <summary>How many messages one receive endpoint handles at once.</summary>
    [Range(1, 4096)]
    public int ConcurrentMessageLimit { get; set; } = 64;
}
