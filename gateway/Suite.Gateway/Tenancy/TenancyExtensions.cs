using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using StackExchange.Redis;
using Suite.Gateway.Edge;
using Suite.Gateway.Limits;
using Suite.Gateway.Usage;
using Suite.ServiceDefaults.Configuration;
using Suite.Storage;

namespace Suite.Gateway.Tenancy;

/// <summary>
/// Composes tenants, keys, limits, fair admission and usage into the gateway: in process when no store is configured
/// (embedded mode), in PostgreSQL (tenants, keys, usage) and Redis (limit counters) when <c>SUITE_POSTGRES</c> and
/// <c>SUITE_REDIS</c> are set, so every gateway of a deployment shares them. Also the edge's HTTP limits.
/// </summary>
public static class TenancyExtensions
{
    public static IHostApplicationBuilder AddTenancy(this IHostApplicationBuilder builder, GatewayOptions gateway)
    {
        builder.AddValidatedOptions<TenancyOptions>(TenancyOptions.Section);
        builder.AddValidatedOptions<LimitsOptions>(LimitsOptions.Section);
        builder.AddValidatedOptions<AdmissionOptions>(AdmissionOptions.Section);
        var storage = builder.AddSuiteStorage();
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        if (storage.Postgres is { Length: > 0 })
        {
            services.AddSingleton<ITenantStore>(sp => new PostgresTenantStore(sp.GetRequiredService<NpgsqlDataSource>()));
            services.AddSingleton<IUsageStore>(sp => new PostgresUsageStore(sp.GetRequiredService<NpgsqlDataSource>()));
        }
        else
        {
            services.AddSingleton<ITenantStore, InMemoryTenantStore>();
            services.AddSingleton<IUsageStore, InMemoryUsageStore>();
        }

        if (storage.Redis is { Length: > 0 })
        {
            services.AddSingleton<ILimitStore>(sp => new RedisLimitStore(sp.GetRequiredService<IConnectionMultiplexer>()));
        }
        else
        {
            services.AddSingleton<ILimitStore, InProcessLimitStore>();
        }

        services.AddSingleton<ITenantDirectory, TenantDirectory>();
        services.AddSingleton<LimitGate>();
        services.AddSingleton<FleetCapacity>();
        services.AddSingleton<FairAdmission>();
        services.AddSingleton<RequestAdmission>();
        services.AddSingleton<UsageRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageRecorder>());
        services.Configure<KestrelServerOptions>(kestrel =>
        {
            // The documented limit, not Kestrel's own default (30,000,000 bytes).
            kestrel.Limits.MaxRequestBodySize = gateway.MaxRequestBodyBytes;
            kestrel.ConfigureEndpointDefaults(listen => listen.Use(ErrorBodyConnection.Wrap));
        });
        return builder;
    }
}
