namespace Suite.Gateway.Tenancy;

/// <summary>
/// A tenant's (or key's) service class: its weight in weighted-fair admission under overload and the highest request
/// priority its clients may ask for (<see cref="TenancyOptions"/> sets both per tier).
/// </summary>
public enum TenantTier
{
    Low,
    Standard,
    High,
}
