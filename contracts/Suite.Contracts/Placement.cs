namespace Suite.Contracts;

/// <summary>
/// Where a request may run (data sovereignty): only on workers whose pool is one of <paramref name="Pools"/> and whose
/// backend is one of <paramref name="Backends"/>; an empty list allows any. It comes from the tenant and key the
/// request was made with, travels with the request (and with every failover), and the router never sends the request
/// to a worker outside it.
/// </summary>
public sealed record Placement(IReadOnlyList<string> Pools, IReadOnlyList<string> Backends)
{
    /// <summary>True when <paramref name="pool"/> and <paramref name="backend"/> are both allowed.</summary>
    public bool Allows(string pool, string backend)
        => (Pools.Count == 0 || Pools.Contains(pool, StringComparer.Ordinal)) && (Backends.Count == 0 || Backends.Contains(backend, StringComparer.Ordinal));

    /// <summary>The constraint as a client reads it in an error: "pools cann-a, cann-b; backends cann".</summary>
    public string Describe()
    {
        var parts = new List<string>(2);
        if (Pools.Count > 0)
        {
            parts.Add("pools " + string.Join(", ", Pools));
        }

        if (Backends.Count > 0)
        {
            parts.Add("backends " + string.Join(", ", Backends));
        }

        return parts.Count == 0 ? "any pool" : string.Join("; ", parts);
    }
}
