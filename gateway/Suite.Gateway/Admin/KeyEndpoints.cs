using Microsoft.AspNetCore.Http;
using Suite.Gateway.Limits;
using Suite.Gateway.OpenAi;
using Suite.Gateway.Tenancy;

namespace Suite.Gateway.Admin;

/// <summary>
/// <c>/admin/v1/keys</c>: create (the key is in that answer and never again), list, get, revoke. A revoked key is
/// refused at once by every gateway that shares the limit store, and by the others within <c>Tenancy__KeyCacheSeconds</c>.
/// </summary>
internal static class KeyEndpoints
{
    public static async Task<IResult> CreateAsync(HttpContext context, ITenantStore store, TimeProvider time)
    {
        var (body, error) = await RequestBody.ReadAsync(context).ConfigureAwait(false);
        if (error is not null)
        {
            return await AdminApi.ErrorAsync(context, error).ConfigureAwait(false);
        }

        AdminInput.OnlyKnown(body, "tenant_id", "name", "tier", "allowed_models", "allowed_pools", "allowed_backends", "limits", "expires_at");
        var tenantId = AdminInput.Id(body, "tenant_id", required: true)!;
        if (await store.GetTenantAsync(tenantId, context.RequestAborted).ConfigureAwait(false) is not { } tenant)
        {
            return await AdminApi.ErrorAsync(context, TenantEndpoints.NotFound("tenant", tenantId)).ConfigureAwait(false);
        }

        if (tenant.RevokedAt is not null)
        {
            return await AdminApi.ErrorAsync(context, TenantEndpoints.Conflict($"Tenant '{tenantId}' was revoked; it gets no new keys.", "tenant_id")).ConfigureAwait(false);
        }

        var access = AdminInput.Access(body);
        if (access.Exceeds(tenant.Access) is { } problem)
        {
            throw AdminInput.Fail($"A key may only narrow its tenant's access: {problem}.", "allowed_models");
        }

        var now = TenantEndpoints.Now(time);
        var expires = AdminInput.Time(body, "expires_at");
        if (expires <= now)
        {
            throw AdminInput.Fail("Invalid 'expires_at': it is in the past.", "expires_at");
        }

        var (id, secret, hash) = ApiKeySecrets.Create();
        var key = new ApiKeyRecord(id, tenantId, AdminInput.String(body, "name", required: false, 200) ?? string.Empty, hash, access, AdminInput.Tier(body), AdminInput.Limits(body), now, expires);
        if (!await store.CreateKeyAsync(key, context.RequestAborted).ConfigureAwait(false))
        {
            return await AdminApi.ErrorAsync(context, TenantEndpoints.Conflict("The key could not be stored; create it again.", "id")).ConfigureAwait(false);
        }

        return AdminApi.Json(AdminViews.Of(key, secret), StatusCodes.Status201Created);
    }

    public static async Task<IResult> ListAsync(HttpContext context, ITenantStore store)
    {
        var tenant = context.Request.Query["tenant_id"].ToString();
        var keys = await store.ListKeysAsync(tenant.Length == 0 ? null : tenant, context.RequestAborted).ConfigureAwait(false);
        return AdminApi.Json(new AdminViews.ListView<AdminViews.KeyView>("list", keys.Select(k => AdminViews.Of(k)).ToList()));
    }

    public static async Task<IResult> GetAsync(HttpContext context, string id, ITenantStore store)
    {
        return await store.FindKeyAsync(id, context.RequestAborted).ConfigureAwait(false) is { } found
            ? AdminApi.Json(AdminViews.Of(found.Key))
            : await AdminApi.ErrorAsync(context, TenantEndpoints.NotFound("api key", id)).ConfigureAwait(false);
    }

    public static async Task<IResult> RevokeAsync(HttpContext context, string id, ITenantStore store, ITenantDirectory directory, LimitGate limits, TimeProvider time)
    {
        if (await store.RevokeKeyAsync(id, TenantEndpoints.Now(time), context.RequestAborted).ConfigureAwait(false) is not { } key)
        {
            return await AdminApi.ErrorAsync(context, TenantEndpoints.NotFound("api key", id)).ConfigureAwait(false);
        }

        directory.Forget(id, null);
        var propagated = await limits.MarkRevokedAsync(LimitPlan.KeyScope(id), context.RequestAborted).ConfigureAwait(false);
        return AdminApi.Json(AdminViews.Of(key) with { RevocationPropagated = propagated });
    }
}
