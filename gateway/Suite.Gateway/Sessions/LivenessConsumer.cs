using MassTransit;
using Suite.Contracts;

namespace Suite.Gateway.Sessions;

/// <summary>Feeds <see cref="FleetLiveness"/> from heartbeats (on this gateway's own event queue).</summary>
public sealed class LivenessConsumer(FleetLiveness liveness) : IConsumer<WorkerHeartbeat>, IConsumer<WorkerStopped>, IConsumer<ServiceHeartbeat>
{
    public Task Consume(ConsumeContext<WorkerHeartbeat> context)
    {
        liveness.WorkerSeen(context.Message.WorkerId);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<WorkerStopped> context)
    {
        liveness.WorkerStopped(context.Message.WorkerId);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ServiceHeartbeat> context)
    {
        liveness.ServiceSeen(context.Message.Service);
        return Task.CompletedTask;
    }
}
