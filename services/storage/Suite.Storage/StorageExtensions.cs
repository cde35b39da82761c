using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using StackExchange.Redis;
using Suite.ServiceDefaults.Configuration;

namespace Suite.Storage;

/// <summary>Composes durable state into a host: PostgreSQL (with its migrations) and Redis, each only when configured.</summary>
public static class StorageExtensions
{
    /// <summary>What was configured, for callers that choose an embedded store when nothing was.</summary>
    public static StorageOptions AddSuiteStorage(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (builder.Services.Any(d => d.ServiceType == typeof(StorageOptions) && d.ImplementationInstance is StorageOptions))
        {
            // Several features of one host ask for storage (jobs, tenancy): it is composed once.
            return (StorageOptions)builder.Services.First(d => d.ServiceType == typeof(StorageOptions) && d.ImplementationInstance is StorageOptions).ImplementationInstance!;
        }

        builder.AddValidatedOptions<StorageOptions>(StorageOptions.Section).PostConfigure(o => ApplyShorthands(o, configuration));
        var options = new StorageOptions();
        configuration.GetSection(StorageOptions.Section).Bind(options);
        ApplyShorthands(options, configuration);
        builder.Services.AddSingleton(options);
        if (options.Postgres is { Length: > 0 } postgres)
        {
            builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(postgres));
            builder.Services.AddSingleton<PostgresMigrator>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<PostgresMigrator>());
        }

        if (options.Redis is { Length: > 0 } redis)
        {
            // Connects in the background and reconnects by itself: a Redis outage must not stop the process.
            builder.Services.AddSingleton<IConnectionMultiplexer>(_ =>
            {
                var config = ConfigurationOptions.Parse(redis);
                config.AbortOnConnectFail = false;
                config.ConnectTimeout = 2000;
                config.SyncTimeout = 2000;
                config.AsyncTimeout = 2000;
                return ConnectionMultiplexer.Connect(config);
            });
        }

        return options;
    }

    private static void ApplyShorthands(StorageOptions options, IConfiguration configuration)
    {
        if (configuration["SUITE_POSTGRES"] is { Length: > 0 } postgres)
        {
            options.Postgres = postgres;
        }

        if (configuration["SUITE_REDIS"] is { Length: > 0 } redis)
        {
            options.Redis = redis;
        }
    }
}
