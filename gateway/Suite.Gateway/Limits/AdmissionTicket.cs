namespace Suite.Gateway.Limits;

/// <summary>A request's place in the fleet, granted by <see cref="FairAdmission"/>; released once, when the request ends.</summary>
public sealed class AdmissionTicket
{
    private int _released;

    internal AdmissionTicket(string model, string tenant)
    {
        Model = model;
        Tenant = tenant;
    }

    public string Model { get; }

    public string Tenant { get; }

    /// <summary>True the first time only.</summary>
    internal bool TryRelease() => Interlocked.Exchange(ref _released, 1) == 0;
}
