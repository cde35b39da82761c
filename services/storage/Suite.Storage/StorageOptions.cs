using System.ComponentModel.DataAnnotations;

namespace Suite.Storage;

/// <summary>
/// Where durable state lives (section <c>Storage</c>). Both empty: embedded mode, state kept in process. Shorthands
/// <c>SUITE_POSTGRES</c> (an Npgsql connection string) and <c>SUITE_REDIS</c> (a StackExchange.Redis configuration,
/// e.g. <c>127.0.0.1:6379</c>).
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>PostgreSQL connection string; job state, batches, files, tenants, keys and usage live there when set.</summary>
    public string? Postgres { get; set; }

    /// <summary>Redis configuration; counters shared by every gateway (rate limits, token budgets) live there when set.</summary>
    public string? Redis { get; set; }

    /// <summary>How long a start waits for PostgreSQL to accept connections before it gives up.</summary>
    [Range(1, 3600)]
    public double StartTimeoutSeconds { get; set; } = 60;
}
