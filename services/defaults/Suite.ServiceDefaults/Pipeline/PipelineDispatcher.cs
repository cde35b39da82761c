using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Suite.ServiceDefaults.Pipeline;

/// <summary>
/// What happens to a pipeline message once a transport delivered it, the same on every transport: the type picks the
/// handler, the body is deserialized, a consumer span continues the sender's trace, the handler runs. A message that
/// cannot be read (unknown type, bad JSON) is a poison message: logged, counted and dropped, never redelivered in a
/// loop. A handler that throws is logged and counted, and its binding's failure reply (the request's
/// <c>GenerationFailed</c>) goes to the requester at once. Nothing is retried: pipeline messages are transient, and a
/// lost one is recovered end to end by the gateway (stall detection and failover).
/// </summary>
public sealed partial class PipelineDispatcher(IServiceProvider services, IPipelineSender sender, ILogger<PipelineDispatcher> logger)
{
    private static readonly Meter Meter = new("Suite.Pipeline");
    private static readonly Counter<long> Failures = Meter.CreateCounter<long>("suite.pipeline.messages.failed", description: "Pipeline messages that could not be read or whose handler failed.");

    public async Task DispatchAsync(PipelineEndpoint endpoint, PipelineDelivery delivery, string transport, CancellationToken cancellationToken)
    {
        if (!endpoint.TryGetBinding(delivery.Type, out var binding))
        {
            Count(endpoint, delivery.Type ?? "(none)", "unknown_type");
            LogUnknownType(logger, endpoint.Queue, delivery.Type ?? "(none)");
            return;
        }

        object message;
        try
        {
            message = binding.Deserialize(delivery.Body);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            Count(endpoint, binding.MessageName, "unreadable");
            LogPoison(logger, endpoint.Queue, binding.MessageName, e.Message);
            return;
        }

        using var activity = binding.Traced ? PipelineTracing.StartProcess(binding.MessageName, endpoint.Queue, transport, delivery) : null;
        try
        {
            await binding.HandleAsync(services, message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            Count(endpoint, binding.MessageName, "handler_failed");
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            activity?.AddException(e);
            LogHandlerFailed(logger, e, endpoint.Queue, binding.MessageName);
            if (binding.OnFailure(message, e) is { } reply)
            {
                try
                {
                    await sender.SendAsync(reply.Address, reply.Message, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (Exception sendFailure) when (sendFailure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogReplyFailed(logger, endpoint.Queue, binding.MessageName, sendFailure.Message);
                }
            }
        }
    }

    private static void Count(PipelineEndpoint endpoint, string type, string reason)
        => Failures.Add(1, new("messaging.destination.name", endpoint.Queue), new("message.type", type), new("reason", reason));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline: {Queue} got a message of unknown type {Type}; dropped")]
    private static partial void LogUnknownType(ILogger logger, string queue, string type);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pipeline: an unreadable {Type} on {Queue} was dropped: {Reason}")]
    private static partial void LogPoison(ILogger logger, string queue, string type, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pipeline: handling a {Type} from {Queue} failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string queue, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline: the failure reply for a {Type} from {Queue} could not be sent: {Reason}")]
    private static partial void LogReplyFailed(ILogger logger, string queue, string type, string reason);
}
