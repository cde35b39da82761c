using Suite.Contracts;

namespace Suite.Gateway.Tenancy;

/// <summary>
/// What a tenant or key may use: models, and the worker pools and backends its requests may run on. An empty list
/// allows any. A key's lists must lie within its tenant's, so the two combined (<see cref="Within"/>) never allow more
/// than the tenant.
/// </summary>
public sealed record TenantAccess(IReadOnlyList<string> Models, IReadOnlyList<string> Pools, IReadOnlyList<string> Backends)
{
    public static TenantAccess Any { get; } = new([], [], []);

    public bool AllowsModel(string model) => Models.Count == 0 || Models.Contains(model, StringComparer.Ordinal);

    /// <summary>The pools and backends requests may run on, or null when any worker may serve them.</summary>
    public Placement? Placement() => Pools.Count == 0 && Backends.Count == 0 ? null : new Placement(Pools, Backends);

    /// <summary>This (a key's) access narrowed by <paramref name="tenant"/>'s: each list the key leaves open takes the tenant's.</summary>
    public TenantAccess Within(TenantAccess tenant) => new(
        Models.Count == 0 ? tenant.Models : Models,
        Pools.Count == 0 ? tenant.Pools : Pools,
        Backends.Count == 0 ? tenant.Backends : Backends);

    /// <summary>Null when this (a key's) access stays inside <paramref name="tenant"/>'s, else what exceeds it.</summary>
    public string? Exceeds(TenantAccess tenant)
    {
        return Outside(Models, tenant.Models, "models") ?? Outside(Pools, tenant.Pools, "pools") ?? Outside(Backends, tenant.Backends, "backends");

        static string? Outside(IReadOnlyList<string> key, IReadOnlyList<string> tenant, string what)
        {
            if (tenant.Count == 0)
            {
                return null;
            }

            if (key.Count == 0)
            {
                return null;
            }

            var extra = key.Where(k => !tenant.Contains(k, StringComparer.Ordinal)).ToList();
            return extra.Count == 0 ? null : $"allowed_{what} may only name the tenant's ({string.Join(", ", tenant)}), not {string.Join(", ", extra)}";
        }
    }
}
