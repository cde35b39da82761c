using MassTransit;

namespace Suite.Gateway.Jobs;

/// <summary>The reply of a MassTransit producer: each job message sent as it is, persistent, to its <c>ReplyTo</c>.</summary>
public sealed class MassTransitJobReply(ISendEndpoint endpoint) : IJobReply
{
    // By its runtime type: the message's type is its name on the wire.
    public Task SendAsync(object message, CancellationToken cancellationToken)
        => endpoint.Send(message, message.GetType(), context => context.Durable = true, cancellationToken);
}
