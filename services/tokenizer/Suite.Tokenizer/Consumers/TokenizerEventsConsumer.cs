using MassTransit;
using Suite.Contracts;
using Suite.Tokenizer.Registry;

namespace Suite.Tokenizer.Consumers;

/// <summary>Learns from worker heartbeats the context each model really gets; answers health probes.</summary>
public sealed class TokenizerEventsConsumer(TokenizerRegistry registry) : IConsumer<WorkerHeartbeat>, IConsumer<WorkerStopped>, IConsumer<HealthProbe>
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

    public Task Consume(ConsumeContext<HealthProbe> context)
    {
        var models = registry.All;
        return context.RespondAsync(new HealthReported("tokenizer", Environment.MachineName, models.Count > 0 ? "healthy" : "unhealthy", new Dictionary<string, string>
        {
            ["models"] = string.Join(",", models.Select(m => $"{m.ModelId}:{m.Tokenizer.Name}")),
        }));
    }
}
