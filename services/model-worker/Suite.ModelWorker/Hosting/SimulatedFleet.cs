using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Suite.Models.Catalog;
using Suite.ServiceDefaults.Bus;

namespace Suite.ModelWorker.Hosting;

/// <summary>
/// Many simulated workers in one process (<c>Worker__SimWorkers</c> &gt; 1), so routing can be tested at a fleet
/// size the machine could not hold as one process per worker. Each worker is a host of its own, built with the same
/// <see cref="ModelWorkerExtensions.AddModelWorker"/> and bus as a single worker: its own id (<c>{WorkerId}-{n}</c>),
/// queue, bus connection, heartbeats, KV events and cancel queue. They share only what is immutable (the model's
/// vocabulary) and the process's logs. A worker that fails to start fails the process, as a single worker would.
/// </summary>
public static class SimulatedFleet
{
    /// <summary>Whether the configuration asks for more than one simulated worker in this process.</summary>
    public static bool Requested(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return int.TryParse(configuration[$"{ModelWorkerOptions.Section}:SimWorkers"], out var count) && count > 1;
    }

    /// <summary>Runs <c>Worker__SimWorkers</c> simulated workers in this host; refuses what a fleet cannot be.</summary>
    public static IHostApplicationBuilder AddSimulatedFleet(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var options = new ModelWorkerOptions();
        configuration.GetSection(ModelWorkerOptions.Section).Bind(options);
        var backend = configuration["SUITE_BACKEND"] is { Length: > 0 } shorthand ? shorthand.Trim().ToLowerInvariant() : options.Backend;
        if (backend != "sim")
        {
            throw new InvalidOperationException($"Worker__SimWorkers={options.SimWorkers} runs simulated workers only (Worker__Backend=sim); this worker's backend is '{backend}'. Run one process per {backend} worker.");
        }

        if (options.SimWorkers > 2000)
        {
            throw new InvalidOperationException($"Worker__SimWorkers must be at most 2000 ({options.SimWorkers}).");
        }

        if (configuration.ReadBusOptions().Transport != BusTransport.RabbitMq)
        {
            throw new InvalidOperationException("Worker__SimWorkers > 1 needs the RabbitMQ transport (SUITE_RABBITMQ_URI): the in-memory bus is one process's own and would not be shared by the workers.");
        }

        builder.Services.TryAddSingleton(_ => new ModelResolution(ModelCatalogSettings.FromVariables(k => configuration[k])));
        builder.Services.AddHostedService<SimulatedFleetService>();
        return builder;
    }
}

/// <summary>Starts and stops the workers of a simulated fleet (see <see cref="SimulatedFleet"/>).</summary>
internal sealed partial class SimulatedFleetService(
    IConfiguration configuration,
    ModelResolution models,
    ILoggerFactory loggers,
    IHostApplicationLifetime lifetime,
    ILogger<SimulatedFleetService> logger) : IHostedService
{
    private const int StartConcurrency = 8;
    private readonly List<IHost> _hosts = [];
    private volatile bool _stopping;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var count = configuration.GetValue<int>($"{ModelWorkerOptions.Section}:SimWorkers");
        var pool = configuration[$"{ModelWorkerOptions.Section}:Pool"] is { Length: > 0 } p ? p : configuration["SUITE_POOL"] is { Length: > 0 } s ? s : "sim";
        var baseId = configuration[$"{ModelWorkerOptions.Section}:WorkerId"] is { Length: > 0 } id
            ? id
            : $"{pool}-{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}";
        var hosts = new IHost?[count];
        using var gate = new SemaphoreSlim(StartConcurrency);
        var starts = Enumerable.Range(0, count).Select(async n =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var host = Build($"{baseId}-{n:D3}", $"{SuiteBusRegistrations.InstanceId}-{n:D3}");
                hosts[n] = host;
                await host.StartAsync(cancellationToken).ConfigureAwait(false);
                host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => OnWorkerStopping(n));
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        try
        {
            await Task.WhenAll(starts).ConfigureAwait(false);
        }
        finally
        {
            lock (_hosts)
            {
                _hosts.AddRange(hosts.OfType<IHost>());
            }
        }

        LogFleetStarted(logger, count, baseId, pool);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        IHost[] hosts;
        lock (_hosts)
        {
            hosts = [.. _hosts];
            _hosts.Clear();
        }

        // Bounded: with the broker gone a worker's goodbye and its bus's stop can wait on a connection that never
        // comes back; the process is ending, and its workers with it, so the fleet stops waiting after StopTimeout.
        var stops = Task.WhenAll(hosts.Select(async h =>
        {
            try
            {
                await h.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await ((IAsyncDisposable)h).DisposeAsync().ConfigureAwait(false);
            }
        }));
        try
        {
            await stops.WaitAsync(StopTimeout, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogStopTimedOut(logger, hosts.Length, StopTimeout.TotalSeconds);
        }
    }

    private static TimeSpan StopTimeout { get; } = TimeSpan.FromSeconds(15);

    private IHost Build(string workerId, string instanceName)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "suite-model-worker" });
        builder.Configuration.AddConfiguration(configuration);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{ModelWorkerOptions.Section}:WorkerId"] = workerId,
            [$"{ModelWorkerOptions.Section}:SimWorkers"] = "1",
            ["Bus:InstanceName"] = instanceName,
        });

        // The process's logs and model; the process, not each worker, owns signals and shutdown.
        builder.Services.AddLogging();
        builder.Services.Replace(ServiceDescriptor.Singleton(loggers));
        builder.Services.AddSingleton(models);
        builder.Services.AddSingleton<IHostLifetime, OwnedLifetime>();
        builder.AddModelWorker();
        builder.AddSuiteBus();
        return builder.Build();
    }

    private void OnWorkerStopping(int n)
    {
        if (!_stopping)
        {
            // A worker that stops on its own is a failure of the process, as it would be for a single worker.
            LogWorkerStopped(logger, n);
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulated fleet: {Count} workers {BaseId}-000… in pool {Pool} [SIMULATED]")]
    private static partial void LogFleetStarted(ILogger logger, int count, string baseId, string pool);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulated fleet: {Count} workers did not stop within {Seconds} s; the process ends without them")]
    private static partial void LogStopTimedOut(ILogger logger, int count, double seconds);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Simulated fleet: worker {Number} stopped on its own; stopping the process")]
    private static partial void LogWorkerStopped(ILogger logger, int number);

    /// <summary>A host whose start and stop belong to the process hosting it: no console or signal handling of its own.</summary>
    private sealed class OwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
