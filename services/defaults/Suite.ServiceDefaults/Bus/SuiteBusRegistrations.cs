using MassTransit;
using Suite.ServiceDefaults.Pipeline;

namespace Suite.ServiceDefaults.Bus;

/// <summary>
/// Consumers and receive endpoints that services contribute before the bus is built. Each service's
/// <c>Add&lt;Service&gt;()</c> adds to this; <see cref="BusExtensions.AddSuiteBus"/> turns it into one MassTransit bus,
/// so the same service code runs alone or composed with others in one process.
/// </summary>
public sealed class SuiteBusRegistrations
{
    internal List<Action<IBusRegistrationConfigurator>> Registrations { get; } = [];

    internal List<Action<IBusRegistrationContext, IBusFactoryConfigurator>> Endpoints { get; } = [];

    internal List<PipelineEndpoint> PipelineEndpoints { get; } = [];

    internal bool Built { get; set; }

    /// <summary>Registers consumers (e.g. <c>x.AddConsumer&lt;T&gt;()</c>).</summary>
    public SuiteBusRegistrations Register(Action<IBusRegistrationConfigurator> configure)
    {
        EnsureOpen();
        Registrations.Add(configure);
        return this;
    }

    /// <summary>This process's instance id, unique per start; names its own event queues.</summary>
    public static string InstanceId { get; } = $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>
    /// What names this host's own event queues: <see cref="InstanceId"/>, unless several hosts share the process (a
    /// simulated fleet), each of which then needs queues of its own (<c>Bus__InstanceName</c>).
    /// </summary>
    public string InstanceName { get; init; } = InstanceId;

    /// <summary>
    /// Declares an event queue of this process alone (<c>{prefix}-{instance}</c>): every instance of a service sees
    /// every event (heartbeats), where a shared queue would split them among instances. On RabbitMQ the queue is
    /// non-durable and auto-deleted when the process goes away.
    /// </summary>
    public SuiteBusRegistrations InstanceEndpoint(string prefix, Action<IBusRegistrationContext, IReceiveEndpointConfigurator> configure)
        => Endpoint((context, cfg) => cfg.ReceiveEndpoint($"{prefix}-{InstanceName}", e =>
        {
            if (e is IRabbitMqReceiveEndpointConfigurator rabbit)
            {
                rabbit.Durable = false;
                rabbit.AutoDelete = true;

                // Other processes send to this queue (replies), so it must not be exclusive to our connection.
                rabbit.Exclusive = false;
            }

            configure(context, e);
        }));

    /// <summary>
    /// Declares a pipeline queue and its handlers, once for every transport (see <see cref="PipelineAddresses"/>). A
    /// shared queue is consumed by every instance of the service; otherwise it is this instance's own.
    /// </summary>
    public SuiteBusRegistrations PipelineEndpoint(string queue, bool shared, int concurrency, Action<PipelineEndpoint> configure)
    {
        EnsureOpen();
        var endpoint = new PipelineEndpoint(queue, shared, concurrency);
        configure(endpoint);
        PipelineEndpoints.Add(endpoint);
        return this;
    }

    /// <summary>Declares a receive endpoint with an explicit queue name.</summary>
    public SuiteBusRegistrations Endpoint(Action<IBusRegistrationContext, IBusFactoryConfigurator> configure)
    {
        EnsureOpen();
        Endpoints.Add(configure);
        return this;
    }

    private void EnsureOpen()
    {
        if (Built)
        {
            throw new InvalidOperationException("The bus is already built: call AddSuiteBus() after every Add<Service>().");
        }
    }
}
