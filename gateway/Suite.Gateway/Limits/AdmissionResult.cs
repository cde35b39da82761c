namespace Suite.Gateway.Limits;

/// <summary>What <see cref="FairAdmission.Enter"/> did: let the request in (with its ticket), queued it (its callback gets the ticket later), or refused it.</summary>
public enum AdmissionResult
{
    Granted,
    Queued,
    Refused,
}
