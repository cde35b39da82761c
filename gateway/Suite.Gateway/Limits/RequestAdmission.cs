using Suite.Contracts;
using Suite.Gateway.Tenancy;
using Suite.Gateway.Usage;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.Limits;

/// <summary>
/// What every request passes before it may use the fleet, whichever door it came through: its caller's model access,
/// its limits (requests and concurrency at once; with token limits, after its prompt is encoded, by the prompt's real
/// token count plus its <c>max_tokens</c>), and its tenant's fair share of a saturated fleet (only when keys are asked
/// for: the anonymous caller of a gateway without keys is one tenant, and its requests queue at the workers). When the request ends,
/// its reservation is settled with what it used, its place goes back, and its usage is counted.
/// </summary>
public sealed class RequestAdmission(LimitGate limits, FairAdmission fairness, UsageRecorder usage)
{
    /// <summary>
    /// Before the request is sent: a refused request comes back with <see cref="AdmissionState.Refusal"/> set; an
    /// admitted one holds its place (and, unless it is held for its token count, its reservation).
    /// </summary>
    public async Task<AdmissionState> EnterAsync(Caller caller, string model, Guid requestId, CancellationToken cancellationToken)
    {
        var state = new AdmissionState(caller, model);
        if (!caller.Access.AllowsModel(model))
        {
            state.Refusal = PipelineErrors.ModelNotFound(model);
            return state;
        }

        if (caller.HasTokenLimits)
        {
            state.HoldForAdmission = true;
        }
        else if (!Apply(state, await limits.ReserveAsync(caller, requestId, 0, 0, cancellationToken).ConfigureAwait(false)))
        {
            return state;
        }

        if (caller.IsAnonymous)
        {
            // No keys, so no tenants to be fair between: requests wait in the workers' queues (by priority, then
            // arrival) as they always did, not at the gateway.
            state.Admitted = !state.HoldForAdmission;
            return state;
        }

        AdmissionTicket? ticket;
        try
        {
            ticket = await fairness.EnterAsync(model, caller, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ReleaseAsync(state, 0, 0).ConfigureAwait(false);
            throw;
        }

        if (ticket is null)
        {
            await ReleaseAsync(state, 0, 0).ConfigureAwait(false);
            state.Refusal = PipelineErrors.TenantQueueFull(model, 1);
            return state;
        }

        state.Ticket = ticket;
        state.Admitted = !state.HoldForAdmission;
        return state;
    }

    /// <summary>A held request, encoded: its token limits by the real count. Null when admitted, else the refusal.</summary>
    public async Task<PipelineError?> AdmitPreparedAsync(AdmissionState state, Guid requestId, RouteGeneration route, CancellationToken cancellationToken)
    {
        var verdict = await limits.ReserveAsync(state.Caller, requestId, route.PromptTokens.Length, route.Limits.MaxTokens ?? 0, cancellationToken).ConfigureAwait(false);
        if (!Apply(state, verdict))
        {
            return state.Refusal;
        }

        state.Admitted = true;
        return null;
    }

    /// <summary>The request ended: settles its limits, gives its place back and counts its usage.</summary>
    public async Task LeaveAsync(AdmissionState state, string? backend, int status, int promptTokens, int completionTokens)
    {
        await ReleaseAsync(state, promptTokens, completionTokens).ConfigureAwait(false);
        if (!state.Caller.IsAnonymous)
        {
            usage.Record(state.Caller.TenantId, state.Caller.KeyId, state.Model, backend, status >= 400, promptTokens, completionTokens);
        }
    }

    private static bool Apply(AdmissionState state, LimitVerdict verdict)
    {
        state.RateLimits = verdict.Snapshot ?? state.RateLimits;
        state.Reservation = verdict.Reservation ?? state.Reservation;
        state.Refusal = verdict.Refusal;
        return verdict.Refusal is null;
    }

    private async Task ReleaseAsync(AdmissionState state, int promptTokens, int completionTokens)
    {
        if (state.Ticket is { } ticket)
        {
            fairness.Exit(ticket);
        }

        if (state.Reservation is { } reservation)
        {
            state.Reservation = null;
            await limits.SettleAsync(reservation, promptTokens, completionTokens).ConfigureAwait(false);
        }
    }
}
