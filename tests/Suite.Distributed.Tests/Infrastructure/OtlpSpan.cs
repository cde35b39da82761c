namespace Suite.Distributed.Tests.Infrastructure;

/// <summary>One span as an OTLP exporter sent it: who sent it (service.name, instrumentation scope), its ids and its attributes.</summary>
public sealed record OtlpSpan(
    string Service,
    string Scope,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    int Kind,
    IReadOnlyDictionary<string, object?> Attributes);
