namespace Suite.Gateway.Limits;

/// <summary>
/// One model's admission on this gateway: the fleet's <paramref name="Slots"/> on <paramref name="Workers"/> workers
/// (from heartbeats), the places let in (<paramref name="Limit"/>; null while no heartbeat is heard, when nothing waits)
/// of which <paramref name="Reserved"/> are kept for a tenant holding fewer than the busiest, the requests in flight and
/// waiting, the tenants holding places and the most places one of them holds.
/// </summary>
public sealed record AdmissionSnapshot(string Model, int Slots, int Workers, int? Limit, int Reserved, int InFlight, int Waiting, int Tenants, int BusiestTenantPlaces);
