using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Suite.Gateway.Jobs.Json;
using Suite.ServiceDefaults.Bus;
using Suite.ServiceDefaults.Configuration;
using Suite.Storage;

namespace Suite.Gateway.Jobs;

/// <summary>
/// Composes queue jobs into the gateway: the runner and intake every door shares, the job state (in process, or in
/// PostgreSQL shared by every gateway when <c>Storage__Postgres</c> is set) and, on RabbitMQ, the plain-JSON door.
/// The MassTransit door is a consumer on the bus (see <see cref="GatewayExtensions"/>).
/// </summary>
public static class JobsExtensions
{
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<JobsOptions>(JobsOptions.Section);
        var services = builder.Services;
        services.AddSingleton<JobRunner>();
        services.AddSingleton<JobIntake>();
        var storage = builder.AddSuiteStorage();
        if (storage.Postgres is { Length: > 0 })
        {
            services.AddSingleton(sp => new PostgresJobStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IOptions<JobsOptions>>(), SuiteBusRegistrations.InstanceId));
            services.AddSingleton<IJobStore>(sp => sp.GetRequiredService<PostgresJobStore>());
            services.AddHostedService<JobStateSweeper>();
        }
        else
        {
            services.AddSingleton<IJobStore, InMemoryJobStore>();
        }

        var bus = builder.Configuration.ReadBusOptions();
        if (bus.Transport == BusTransport.RabbitMq)
        {
            services.AddHostedService(sp => new JsonJobConsumer(
                bus,
                sp.GetRequiredService<JobIntake>(),
                sp.GetRequiredService<JobRunner>(),
                sp.GetRequiredService<IOptions<GatewayOptions>>(),
                sp.GetRequiredService<IHostApplicationLifetime>(),
                sp.GetRequiredService<ILogger<JsonJobConsumer>>()));
        }

        return builder;
    }
}
