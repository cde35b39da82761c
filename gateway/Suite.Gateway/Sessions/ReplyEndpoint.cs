using Suite.Contracts;
using Suite.ServiceDefaults.Pipeline;

namespace Suite.Gateway.Sessions;

/// <summary>This gateway instance's own pipeline queue: every chunk, completion and failure for its requests comes here.</summary>
public sealed class ReplyEndpoint
{
    public string Queue { get; } = PipelineAddresses.InstanceQueue(QueueNames.Gateway(Suite.ServiceDefaults.Bus.SuiteBusRegistrations.InstanceId));

    public Uri Address => PipelineAddresses.Address(Queue);
}
