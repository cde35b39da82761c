using Microsoft.AspNetCore.Http;
using Suite.Gateway.Limits;
using Suite.Gateway.OpenAi;
using Suite.Gateway.Tenancy;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.Admin;

/// <summary><c>/admin/v1/tenants</c>: create, list, get, revoke (which revokes every key of the tenant).</summary>
internal static class TenantEndpoints
{
    public static async Task<IResult> CreateAsync(HttpContext context, ITenantStore store, TimeProvider time)
    {
        var (body, error) = await RequestBody.ReadAsync(context).ConfigureAwait(false);
        if (error is not null)
        {
            return await AdminApi.ErrorAsync(context, error).ConfigureAwait(false);
        }

        AdminInput.OnlyKnown(body, "id", "name", "tier", "allowed_models", "allowed_pools", "allowed_backends", "limits");
        var id = AdminInput.Id(body, "id", required: false) ?? "tenant-" + Guid.NewGuid().ToString("N")[..12];
        if (id is Caller.AnonymousTenantId or Caller.DefaultTenantId)
        {
            throw AdminInput.Fail($"The tenant id '{id}' is reserved.", "id");
        }

        var tenant = new Tenant(
            id,
            AdminInput.String(body, "name", required: false, 200) ?? id,
            AdminInput.Tier(body) ?? TenantTier.Standard,
            AdminInput.Access(body),
            AdminInput.Limits(body),
            Now(time));
        if (!await store.CreateTenantAsync(tenant, context.RequestAborted).ConfigureAwait(false))
        {
            return await AdminApi.ErrorAsync(context, Conflict($"A tenant with id '{id}' exists already.", "id")).ConfigureAwait(false);
        }

        return AdminApi.Json(AdminViews.Of(tenant), StatusCodes.Status201Created);
    }

    public static async Task<IResult> ListAsync(HttpContext context, ITenantStore store)
    {
        var tenants = await store.ListTenantsAsync(context.RequestAborted).ConfigureAwait(false);
        return AdminApi.Json(new AdminViews.ListView<AdminViews.TenantView>("list", tenants.Select(AdminViews.Of).ToList()));
    }

    public static async Task<IResult> GetAsync(HttpContext context, string id, ITenantStore store)
    {
        return await store.GetTenantAsync(id, context.RequestAborted).ConfigureAwait(false) is { } tenant
            ? AdminApi.Json(AdminViews.Of(tenant))
            : await AdminApi.ErrorAsync(context, NotFound("tenant", id)).ConfigureAwait(false);
    }

    public static async Task<IResult> RevokeAsync(HttpContext context, string id, ITenantStore store, ITenantDirectory directory, LimitGate limits, TimeProvider time)
    {
        if (await store.RevokeTenantAsync(id, Now(time), context.RequestAborted).ConfigureAwait(false) is not { } tenant)
        {
            return await AdminApi.ErrorAsync(context, NotFound("tenant", id)).ConfigureAwait(false);
        }

        directory.Forget(null, id);
        await limits.MarkRevokedAsync(LimitPlan.TenantScope(id), context.RequestAborted).ConfigureAwait(false);
        return AdminApi.Json(AdminViews.Of(tenant));
    }

    internal static DateTimeOffset Now(TimeProvider time) => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    internal static Suite.Contracts.PipelineError NotFound(string what, string id)
        => new(404, Suite.Contracts.ErrorTypes.InvalidRequest, $"No {what} with id '{id}'.", "id", $"{what.Replace(' ', '_')}_not_found");

    internal static Suite.Contracts.PipelineError Conflict(string message, string param)
        => new(409, Suite.Contracts.ErrorTypes.InvalidRequest, message, param, "conflict");
}
