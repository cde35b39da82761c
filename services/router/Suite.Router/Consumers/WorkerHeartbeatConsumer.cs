using MassTransit;
using Suite.Contracts;
using Suite.Router.Registry;

namespace Suite.Router.Consumers;

/// <summary>Feeds the registry.</summary>
public sealed class WorkerHeartbeatConsumer(WorkerRegistry registry) : IConsumer<WorkerHeartbeat>, IConsumer<WorkerStopped>
{
    public Task Consume(ConsumeContext<WorkerHeartbeat> context)
    {
        registry.Observe(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<WorkerStopped> context)
    {
        registry.Remove(context.Message.WorkerId);
        return Task.CompletedTask;
    }
}
