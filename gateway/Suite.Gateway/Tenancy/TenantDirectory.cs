using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Suite.Contracts;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.Tenancy;

/// <summary>
/// Resolves API keys to callers: keys in the store (found by their id, checked by hash in constant time, refused once
/// revoked or expired) and the <c>Gateway__ApiKeys</c> shorthand (the tenant <c>default</c>, no limits). Store lookups
/// are cached for <see cref="TenancyOptions.KeyCacheSeconds"/>; a revocation made elsewhere reaches this gateway at
/// once through the limit store's revocation marks, which admission checks on every request.
/// </summary>
public sealed partial class TenantDirectory : ITenantDirectory
{
    private static readonly PipelineError Missing = PipelineErrors.Unauthorized("You didn't provide an API key. Send 'Authorization: Bearer <key>'.");
    private static readonly PipelineError Incorrect = PipelineErrors.Unauthorized("Incorrect API key provided. Send 'Authorization: Bearer <key>'.");

    private readonly ITenantStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<TenantDirectory> _logger;
    private readonly List<(byte[] Hash, Caller Caller)> _shorthand = [];
    private readonly ConcurrentDictionary<string, (ApiKeyRecord Key, Tenant Tenant, long FetchedAt)> _cache = new(StringComparer.Ordinal);
    private readonly long _cacheTicks;

    public TenantDirectory(ITenantStore store, IOptions<GatewayOptions> gateway, IOptions<TenancyOptions> tenancy, TimeProvider time, ILogger<TenantDirectory> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _cacheTicks = (long)(tenancy.Value.KeyCacheSeconds * Stopwatch.Frequency);
        var tenant = new Tenant(Caller.DefaultTenantId, "Keys from Gateway__ApiKeys", TenantTier.Standard, TenantAccess.Any, TenantLimits.None, DateTimeOffset.UnixEpoch);
        var index = 0;
        foreach (var key in gateway.Value.ApiKeys.Where(k => k.Length > 0))
        {
            var hash = ApiKeySecrets.Hash(key);
            var record = new ApiKeyRecord($"config-{index++}", tenant.Id, "Gateway__ApiKeys", hash, TenantAccess.Any, null, TenantLimits.None, DateTimeOffset.UnixEpoch);
            _shorthand.Add((hash, Caller.ForKey(tenant, record)));
        }

        KeysRequired = _shorthand.Count > 0 || tenancy.Value.AdminKey is { Length: > 0 };
    }

    public bool KeysRequired { get; }

    public async ValueTask<CallerResolution> AuthenticateAsync(string? apiKey, CancellationToken cancellationToken)
    {
        if (!KeysRequired)
        {
            return CallerResolution.Of(Caller.Anonymous);
        }

        if (string.IsNullOrEmpty(apiKey))
        {
            return CallerResolution.Refused(Missing);
        }

        if (ApiKeySecrets.TryGetId(apiKey, out var id))
        {
            return await FromStoreAsync(id, apiKey, cancellationToken).ConfigureAwait(false);
        }

        // Every configured key is compared, each in constant time, so the answer's timing says nothing about which came close.
        var presented = ApiKeySecrets.Hash(apiKey);
        Caller? match = null;
        foreach (var (hash, caller) in _shorthand)
        {
            if (System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(presented, hash))
            {
                match = caller;
            }
        }

        return match is null ? CallerResolution.Refused(Incorrect) : CallerResolution.Of(match);
    }

    public async ValueTask<CallerResolution> ForTenantAsync(string? tenantId, CancellationToken cancellationToken)
    {
        if (!KeysRequired)
        {
            return CallerResolution.Of(Caller.Anonymous);
        }

        if (tenantId == Caller.DefaultTenantId && _shorthand.Count > 0)
        {
            return CallerResolution.Of(Caller.ForTenant(_shorthand[0].Caller.Tenant));
        }

        if (string.IsNullOrEmpty(tenantId))
        {
            return CallerResolution.Refused(PipelineErrors.Unauthorized("No tenant given: this gateway requires one for every request."));
        }

        Tenant? tenant;
        try
        {
            tenant = await _store.GetTenantAsync(tenantId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogStoreFailed(_logger, e.Message);
            return CallerResolution.Refused(PipelineErrors.KeyStoreUnavailable);
        }

        return tenant is null || tenant.RevokedAt is not null
            ? CallerResolution.Refused(PipelineErrors.Unauthorized($"Tenant '{tenantId}' does not exist or was revoked."))
            : CallerResolution.Of(Caller.ForTenant(tenant));
    }

    public void Forget(string? keyId, string? tenantId)
    {
        if (keyId is not null)
        {
            _cache.TryRemove(keyId, out _);
        }

        if (tenantId is not null)
        {
            foreach (var (id, entry) in _cache)
            {
                if (entry.Tenant.Id == tenantId)
                {
                    _cache.TryRemove(id, out _);
                }
            }
        }
    }

    private async ValueTask<CallerResolution> FromStoreAsync(string id, string apiKey, CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        if (!_cache.TryGetValue(id, out var entry) || now - entry.FetchedAt > _cacheTicks)
        {
            (ApiKeyRecord Key, Tenant Tenant)? found;
            try
            {
                found = await _store.FindKeyAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogStoreFailed(_logger, e.Message);
                if (entry.Key is null)
                {
                    return CallerResolution.Refused(PipelineErrors.KeyStoreUnavailable);
                }

                // The store is down but this key was known: keep serving it as it was.
                found = (entry.Key, entry.Tenant);
            }

            if (found is not { } f)
            {
                _cache.TryRemove(id, out _);
                return CallerResolution.Refused(Incorrect);
            }

            entry = (f.Key, f.Tenant, now);
            if (_cacheTicks > 0)
            {
                _cache[id] = entry;
            }
        }

        if (!ApiKeySecrets.Matches(apiKey, entry.Key.Hash))
        {
            return CallerResolution.Refused(Incorrect);
        }

        if (entry.Key.RevokedAt is not null || entry.Tenant.RevokedAt is not null)
        {
            return CallerResolution.Refused(PipelineErrors.Unauthorized("This API key has been revoked."));
        }

        if (entry.Key.ExpiresAt is { } expires && expires <= _time.GetUtcNow())
        {
            return CallerResolution.Refused(PipelineErrors.Unauthorized($"This API key expired at {expires:u}."));
        }

        return CallerResolution.Of(Caller.ForKey(entry.Tenant, entry.Key));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The tenant store could not be read: {Reason}")]
    private static partial void LogStoreFailed(ILogger logger, string reason);
}
