using System.Diagnostics;

namespace Suite.ServiceDefaults.Pipeline;

/// <summary>
/// W3C trace context across the pipeline: a sender writes the current span's <c>traceparent</c>/<c>tracestate</c>
/// into the message, and the consumer's span continues that trace. Spans exist only while something listens (an
/// exporter is configured), so an untraced deployment pays for none of this.
/// </summary>
public static class PipelineTracing
{
    public const string SourceName = "Suite.Pipeline";

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>The current trace context in W3C form, or nulls when there is no current span.</summary>
    public static (string? TraceParent, string? TraceState) Current()
    {
        var activity = Activity.Current;
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C)
        {
            return (null, null);
        }

        return (activity.Id, activity.TraceStateString);
    }

    /// <summary>The consumer span of one delivery, a child of the sender's span when the message carried one.</summary>
    public static Activity? StartProcess(string messageName, string queue, string transport, PipelineDelivery delivery)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(delivery.TraceParent, delivery.TraceState, isRemote: true, out var parent);
        var activity = Source.StartActivity($"process {messageName}", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", transport);
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", queue);
        }

        return activity;
    }
}
