using MassTransit;
using Suite.Contracts;

namespace Suite.Gateway.Limits;

/// <summary>Feeds <see cref="FleetCapacity"/> from worker heartbeats (on this gateway's own event queue).</summary>
public sealed class FleetCapacityConsumer(FleetCapacity capacity) : IConsumer<WorkerHeartbeat>, IConsumer<WorkerStopped>
{
    public Task Consume(ConsumeContext<WorkerHeartbeat> context)
    {
        capacity.Observe(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<WorkerStopped> context)
    {
        capacity.Stopped(context.Message.WorkerId);
        return Task.CompletedTask;
    }
}
