namespace Suite.Gateway.Tenancy;

/// <summary>
/// Who a request is from, for every door into the pipeline. The HTTP edge resolves the <c>Authorization</c> header
/// with <see cref="AuthenticateAsync"/>; a queue job or batch carrying a tenant id (the tenant of the key it was
/// submitted with) gets its caller from <see cref="ForTenantAsync"/> and puts it on its
/// <see cref="Sessions.GenerationRequest"/>. The request session then enforces everything the caller implies: allowed
/// models, placement, limits, fair share and priority.
/// </summary>
public interface ITenantDirectory
{
    /// <summary>True when requests must present a key (keys or an admin credential are configured).</summary>
    bool KeysRequired { get; }

    /// <summary>The caller for a bearer token (the part after <c>Bearer </c>; null when none was sent).</summary>
    ValueTask<CallerResolution> AuthenticateAsync(string? apiKey, CancellationToken cancellationToken);

    /// <summary>
    /// The caller acting for tenant <paramref name="tenantId"/> as a whole (its access, tier and limits), or a refusal
    /// when no such tenant exists or it was revoked. With no keys configured every id resolves to the anonymous caller.
    /// </summary>
    ValueTask<CallerResolution> ForTenantAsync(string? tenantId, CancellationToken cancellationToken);

    /// <summary>Drops what this gateway cached about a key or a tenant (after it was revoked here).</summary>
    void Forget(string? keyId, string? tenantId);
}
