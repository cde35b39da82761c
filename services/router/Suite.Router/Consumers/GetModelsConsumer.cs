using MassTransit;
using Suite.Contracts;
using Suite.Router.Registry;

namespace Suite.Router.Consumers;

/// <summary>Answers which models are served now, and by which workers.</summary>
public sealed class GetModelsConsumer(WorkerRegistry registry) : IConsumer<GetModels>
{
    public Task Consume(ConsumeContext<GetModels> context)
    {
        var models = registry.AllLive()
            .GroupBy(w => w.Heartbeat.Model, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ServedModel(
                g.First().Heartbeat.ModelInfo,
                g.Select(w => w.Heartbeat.Backend).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                context.Message.IncludeWorkers
                    ? g.Select(w => new WorkerStatus(
                        w.Heartbeat.WorkerId,
                        w.Heartbeat.Backend,
                        w.Heartbeat.Pool,
                        w.Heartbeat.Simulated,
                        w.Heartbeat.Device,
                        w.Heartbeat.RunningSequences,
                        w.Heartbeat.WaitingSequences,
                        w.Heartbeat.MaxSequences,
                        WorkerRegistry.SecondsSince(w.ReceivedAt))).ToList()
                    : []))
            .ToList();
        return context.RespondAsync(new ModelsListed(models));
    }
}
