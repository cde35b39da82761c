using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Suite.Contracts;
using Suite.ModelWorker.Consumers;
using Suite.ModelWorker.Handlers;
using Suite.ModelWorker.Hosting;
using Suite.ModelWorker.KvEvents;
using Suite.Models.Catalog;
using Suite.ServiceDefaults.Bus;
using Suite.ServiceDefaults.Pipeline;
using Suite.ServiceDefaults.Configuration;

namespace Suite.ModelWorker;

/// <summary>Composes the model-worker service into a host.</summary>
public static class ModelWorkerExtensions
{
    public static IHostApplicationBuilder AddModelWorker(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.AddValidatedOptions<ModelWorkerOptions>(ModelWorkerOptions.Section)
            .PostConfigure(o => ApplyShorthands(o, configuration));

        var options = new ModelWorkerOptions();
        configuration.GetSection(ModelWorkerOptions.Section).Bind(options);
        ApplyShorthands(options, configuration);
        var identity = WorkerIdentity.From(options);

        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton<WorkerRuntime>();
        builder.Services.AddSingleton<IBackendFactory, BackendFactory>();
        builder.Services.TryAddSingleton(_ => new ModelResolution(ModelCatalogSettings.FromVariables(k => configuration[k])));
        builder.Services.AddHostedService<WorkerHostedService>();
        builder.Services.AddSingleton<KvEventService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KvEventService>());
        builder.SuiteBus()
            .Register(x =>
            {
                x.AddConsumer<CancelGenerationConsumer>();
                x.AddConsumer<KvSnapshotRequestedConsumer>();
            })
            .InstanceEndpoint("suite-worker-events", (context, e) =>
            {
                e.ConfigureConsumer<CancelGenerationConsumer>(context);
                e.ConfigureConsumer<KvSnapshotRequestedConsumer>(context);
            })
            .PipelineEndpoint(PipelineAddresses.InstanceQueue(identity.Queue), shared: false, concurrency: 1, e => e
                .Handle<GenerateTokens, GenerateTokensHandler>((m, ex) => PipelineFailures.ToRequester(m.RequestId, m.ReplyAddress, $"worker {identity.WorkerId}", ex)));
        return builder;
    }

    private static void ApplyShorthands(ModelWorkerOptions options, IConfiguration configuration)
    {
        if (configuration["SUITE_BACKEND"] is { Length: > 0 } backend)
        {
            options.Backend = backend.Trim().ToLowerInvariant();
        }

        if (configuration["SUITE_POOL"] is { Length: > 0 } pool)
        {
            options.Pool = pool;
        }

        if (configuration["SUITE_SIM_PROFILE"] is { Length: > 0 } profile)
        {
            options.SimProfile = profile;
        }

        if (configuration["SUITE_NATIVE_LIBRARY_PATH"] is { Length: > 0 } path)
        {
            options.NativeLibraryPath = path;
        }
    }
}
