namespace Suite.Contracts;

/// <summary>Request a service's health (answered with <see cref="HealthReported"/>).</summary>
public sealed record HealthProbe(DateTimeOffset SentAt);
