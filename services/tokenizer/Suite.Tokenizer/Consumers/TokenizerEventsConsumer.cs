using MassTransit;
using Suite.Contracts;
using Suite.Tokenizer.Registry;

namespace Suite.Tokenizer.Consumers;

/// <summary>Learns from worker heartbeats the context each model really gets.</summary>
public sealed class TokenizerEventsConsumer(TokenizerRegistry registry) : IConsumer<WorkerHeartbeat>, IConsumer<WorkerStopped>
{
    public Task Consume(ConsumeContext<WorkerHeartbeat> context)
    {
        registry.Observe(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<WorkerStopped> context)
    {
        registry.Forget(context.Message.WorkerId);
        return Task.CompletedTask;
    }
}
