namespace Suite.Contracts;

/// <summary>
/// Event the tokenizer, router and telemetry services publish every second, so a gateway can tell at once that one is
/// down and answer 503 instead of waiting on a queue nobody reads.
/// </summary>
public sealed record ServiceHeartbeat(string Service, string Instance, DateTimeOffset SentAt);
