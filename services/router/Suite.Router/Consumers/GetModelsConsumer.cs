using MassTransit;
using Suite.Contracts;
using Suite.Router.Index;
using Suite.Router.Registry;

namespace Suite.Router.Consumers;

/// <summary>Answers which models are known and which live workers serve each.</summary>
public sealed class GetModelsConsumer(WorkerRegistry registry, PrefixIndex index) : IConsumer<GetModels>
{
    public async Task Consume(ConsumeContext<GetModels> context)
    {
        // A router that just started has not heard every worker yet: an empty answer would read as "no such model".
        await registry.WhenWarmAsync(context.CancellationToken).ConfigureAwait(false);
        var live = registry.AllLive().ToLookup(w => w.Heartbeat.Model, StringComparer.Ordinal);

        // A known model with no live worker stays listed (with no backends): a request for it gets 503 and
        // Retry-After from the router, not a 404 that would tell clients the model is gone for good.
        var models = registry.KnownModels
            .OrderBy(m => m.Id, StringComparer.Ordinal)
            .Select(model =>
            {
                var workers = live[model.Id].ToList();
                return new ServedModel(
                    workers.Count > 0 ? workers[0].Heartbeat.ModelInfo : model,
                    workers.Select(w => w.Heartbeat.Backend).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                    context.Message.IncludeWorkers
                        ? workers.Select(w => new WorkerStatus(
                            w.Heartbeat.WorkerId,
                            w.Heartbeat.Backend,
                            w.Heartbeat.Pool,
                            w.Heartbeat.Simulated,
                            w.Heartbeat.Device,
                            w.Heartbeat.RunningSequences,
                            w.Heartbeat.WaitingSequences,
                            w.Heartbeat.MaxSequences,
                            WorkerRegistry.SecondsSince(w.ReceivedAt),
                            index.BlocksOf(w.Slot))).ToList()
                        : []);
            })
            .ToList();
        await context.RespondAsync(new ModelsListed(models)).ConfigureAwait(false);
    }
}
