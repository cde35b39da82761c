namespace Suite.Gateway.Usage;

/// <summary>A usage report's range (whole UTC hours: <see cref="Start"/> inclusive, <see cref="End"/> exclusive) and filters (null: all).</summary>
public sealed record UsageQuery(DateTimeOffset Start, DateTimeOffset End, string? Tenant = null, string? Key = null, string? Model = null);
