using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Suite.Contracts;
using Suite.ModelWorker.Backends;
using Suite.ServiceDefaults.Bus;

namespace Suite.ModelWorker.Hosting;

/// <summary>
/// Loads the backend at start (a backend that cannot run here stops the process with a message naming what is
/// missing, before it ever registers), then publishes heartbeats until shutdown, when it says goodbye and drains.
/// </summary>
public sealed partial class WorkerHostedService(
    IBackendFactory factory,
    WorkerRuntime runtime,
    IBus bus,
    IOptions<ModelWorkerOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<WorkerHostedService> logger) : BackgroundService
{
    private static readonly TimeSpan HeartbeatPublishTimeout = TimeSpan.FromSeconds(2);
    private IInferenceBackend? _backend;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _backend = await factory.CreateAsync(options.Value, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogBackendUnavailable(logger, options.Value.Backend, e.Message);
            throw;
        }

        runtime.Attach(_backend);
        var info = _backend.Info;
        var model = _backend.Model;
        LogWorkerReady(logger, runtime.Identity.WorkerId, info.Name, info.Device, model.Id, info.Simulated ? " [SIMULATED]" : string.Empty);
        if (model.SmokeTestModel)
        {
            LogSmokeModel(logger, model.Id);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await bus.Publish(new WorkerStopped(runtime.Identity.WorkerId, "shutdown"), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogGoodbyeFailed(logger, e.Message);
        }

        await runtime.DrainAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_backend is not null)
        {
            await _backend.DisposeAsync().ConfigureAwait(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Heartbeats start only once the bus is up, so the first one is not lost.
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await Task.WhenAny(started.Task, Task.Delay(Timeout.Infinite, stoppingToken)).ConfigureAwait(false);
        var notices = runtime.AnnouncePendingAsync(TimeSpan.FromSeconds(options.Value.PendingNoticeSeconds), stoppingToken);
        try
        {
            await PublishHeartbeatsAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            await notices.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    private async Task PublishHeartbeatsAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.HeartbeatIntervalMilliseconds));
        do
        {
            // Bounded: a publish begun while the broker is down must not hold the loop once it is back, or the
            // worker would vanish from the fleet for good.
            try
            {
                await bus.PublishWithinAsync(CreateHeartbeat(), HeartbeatPublishTimeout, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogHeartbeatFailed(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private WorkerHeartbeat CreateHeartbeat() =>
        HeartbeatFactory.Create(runtime.Identity, _backend!, runtime.Latency, options.Value.PricePerHour, runtime.ReceivedRequests);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Backend '{Backend}' cannot start: {Reason}")]
    private static partial void LogBackendUnavailable(ILogger logger, string backend, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {WorkerId} ready: backend {Backend} on {Device}, model {Model}{Simulated}")]
    private static partial void LogWorkerReady(ILogger logger, string workerId, string backend, string device, string model, string simulated);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model} is a generated SMOKE-TEST model with random weights: its output is meaningless. Serve a real model with SUITE_MODEL=/path/to/model.gguf")]
    private static partial void LogSmokeModel(ILogger logger, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat not published: {Reason}")]
    private static partial void LogHeartbeatFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WorkerStopped not published: {Reason}")]
    private static partial void LogGoodbyeFailed(ILogger logger, string reason);
}
