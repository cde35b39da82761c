using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Suite.Contracts;
using Suite.Models.Catalog;
using Suite.ServiceDefaults.Bus;
using Suite.ServiceDefaults.Configuration;
using Suite.ServiceDefaults.Pipeline;
using Suite.Tokenizer.Consumers;
using Suite.Tokenizer.Handlers;
using Suite.Tokenizer.Registry;

namespace Suite.Tokenizer;

/// <summary>Composes the tokenizer service into a host.</summary>
public static class TokenizerExtensions
{
    public static IHostApplicationBuilder AddTokenizer(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.TryAddSingleton(_ => new ModelResolution(ModelCatalogSettings.FromVariables(k => configuration[k])));
        builder.AddValidatedOptions<TokenizerOptions>(TokenizerOptions.Section);
        builder.Services.AddSingleton<TokenizerRegistry>();
        builder.Services.AddSingleton<TokenizationLanes>();
        builder.Services.AddSingleton<PromptEncoder>();
        builder.Services.AddHostedService<TokenizerLoaderService>();
        builder.AddServiceHeartbeat("tokenizer");
        builder.SuiteBus()
            .Register(x =>
            {
                x.AddConsumer<TokenizeConsumer>();
                x.AddConsumer<TokenizerEventsConsumer>();
                x.AddConsumer<TokenizerHealthConsumer>();
            })
            .InstanceEndpoint(QueueNames.Tokenizer, (context, e) => e.ConfigureConsumer<TokenizerEventsConsumer>(context))
            .Endpoint((context, cfg) => cfg.ReceiveEndpoint(QueueNames.Tokenizer, e =>
            {
                e.ConfigureConsumer<TokenizeConsumer>(context);
                e.ConfigureConsumer<TokenizerHealthConsumer>(context);
            }))
            // More handlers than cores: a large prompt waiting for the large-input lane must not hold the slot a short one needs.
            .PipelineEndpoint(PipelineAddresses.TokenizerQueue, shared: true, concurrency: Math.Max(16, 4 * Environment.ProcessorCount), e => e
                .Handle<PrepareGeneration, PrepareGenerationHandler>((m, ex) => PipelineFailures.ToRequester(m.RequestId, m.ReplyAddress, "tokenizer", ex)));
        return builder;
    }
}
