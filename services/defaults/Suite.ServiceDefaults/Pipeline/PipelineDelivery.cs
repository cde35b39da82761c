namespace Suite.ServiceDefaults.Pipeline;

/// <summary>
/// One message as a transport hands it to the <see cref="PipelineDispatcher"/>: its type name, JSON body and W3C trace
/// context (<c>traceparent</c>, <c>tracestate</c>; null when the sender had no trace).
/// </summary>
public readonly record struct PipelineDelivery(string? Type, ReadOnlyMemory<byte> Body, string? TraceParent, string? TraceState);
