using Suite.Contracts;
using Suite.Gateway.Tenancy;

namespace Suite.Gateway.Limits;

/// <summary>
/// One request's standing with admission: who asked, its place in the fleet, what its limits reserved, the
/// <c>x-ratelimit-*</c> figures for its response, and why it was refused (if it was).
/// </summary>
public sealed class AdmissionState(Caller caller, string model)
{
    public Caller Caller { get; } = caller;

    public string Model { get; } = model;

    public AdmissionTicket? Ticket { get; internal set; }

    public LimitReservation? Reservation { get; internal set; }

    public RateLimitSnapshot? RateLimits { get; internal set; }

    public PipelineError? Refusal { get; internal set; }

    /// <summary>The prompt goes back to the gateway once encoded: token limits admit it by its real count.</summary>
    public bool HoldForAdmission { get; internal set; }

    /// <summary>The prompt's token count, once a held request came back encoded.</summary>
    public int? PromptTokens { get; set; }

    /// <summary>Every check passed: the request may use the fleet.</summary>
    public bool Admitted { get; internal set; }
}
