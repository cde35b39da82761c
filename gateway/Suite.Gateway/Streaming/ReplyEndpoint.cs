using Suite.Contracts;

namespace Suite.Gateway.Streaming;

/// <summary>This gateway instance's own queue: every chunk, completion and failure for its requests comes here.</summary>
public sealed class ReplyEndpoint
{
    public string Instance { get; } = Suite.ServiceDefaults.Bus.SuiteBusRegistrations.InstanceId;

    public string Queue => QueueNames.Gateway(Instance);

    public Uri Address => QueueNames.Address(Queue);
}
