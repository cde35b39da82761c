namespace Suite.Contracts;

/// <summary>A service's answer to <see cref="HealthProbe"/>: "healthy", "degraded" or "unhealthy", with details.</summary>
public sealed record HealthReported(string Service, string Instance, string Status, IReadOnlyDictionary<string, string> Details);
