using MassTransit;
using Suite.Contracts;
using Suite.Tokenizer.Registry;

namespace Suite.Tokenizer.Consumers;

/// <summary>Healthy once the served model's tokenizer is loaded.</summary>
public sealed class TokenizerHealthConsumer(TokenizerRegistry registry) : IConsumer<HealthProbe>
{
    public Task Consume(ConsumeContext<HealthProbe> context)
    {
        var models = registry.All;
        return context.RespondAsync(new HealthReported("tokenizer", Environment.MachineName, models.Count > 0 ? "healthy" : "unhealthy", new Dictionary<string, string>
        {
            ["models"] = string.Join(",", models.Select(m => $"{m.ModelId}:{m.Tokenizer.Name}")),
        }));
    }
}
