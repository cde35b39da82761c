using System.Text.Json;
using Npgsql;

namespace Suite.Gateway.Tenancy;

/// <summary>Tenants and hashed keys in PostgreSQL (tables <c>tenant_accounts</c>, <c>api_key_records</c>), shared by every gateway.</summary>
public sealed class PostgresTenantStore(NpgsqlDataSource database) : ITenantStore
{
    private const string KeyColumns = "k.id, k.tenant_id, k.name, k.key_hash, k.allowed_models, k.allowed_pools, k.allowed_backends, k.tier, k.limits, k.created_at, k.expires_at, k.revoked_at";
    private const string TenantColumns = "t.id, t.name, t.tier, t.allowed_models, t.allowed_pools, t.allowed_backends, t.limits, t.created_at, t.revoked_at";

    public string Kind => "postgres";

    public async Task<bool> CreateTenantAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "INSERT INTO tenant_accounts (id, name, tier, allowed_models, allowed_pools, allowed_backends, limits, created_at) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) ON CONFLICT (id) DO NOTHING");
        command.Parameters.AddWithValue(tenant.Id);
        command.Parameters.AddWithValue(tenant.Name);
        command.Parameters.AddWithValue(TenancyJson.TierName(tenant.Tier));
        AddAccess(command, tenant.Access);
        command.Parameters.AddWithValue(JsonSerializer.Serialize(tenant.Limits, TenancyJson.Options));
        command.Parameters.AddWithValue(tenant.CreatedAt);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {TenantColumns} FROM tenant_accounts t ORDER BY t.created_at, t.id");
        return await ReadTenantsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Tenant?> GetTenantAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {TenantColumns} FROM tenant_accounts t WHERE t.id = $1");
        command.Parameters.AddWithValue(id);
        return (await ReadTenantsAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<Tenant?> RevokeTenantAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var keys = new NpgsqlCommand("UPDATE api_key_records SET revoked_at = $2 WHERE tenant_id = $1 AND revoked_at IS NULL", connection, transaction))
        {
            keys.Parameters.AddWithValue(id);
            keys.Parameters.AddWithValue(at);
            await keys.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        Tenant? tenant;
        await using (var command = new NpgsqlCommand($"UPDATE tenant_accounts t SET revoked_at = COALESCE(t.revoked_at, $2) WHERE t.id = $1 RETURNING {TenantColumns}", connection, transaction))
        {
            command.Parameters.AddWithValue(id);
            command.Parameters.AddWithValue(at);
            tenant = (await ReadTenantsAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return tenant;
    }

    public async Task<bool> CreateKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "INSERT INTO api_key_records (id, tenant_id, name, key_hash, allowed_models, allowed_pools, allowed_backends, tier, limits, created_at, expires_at) " +
            "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11 WHERE EXISTS (SELECT 1 FROM tenant_accounts WHERE id = $2) ON CONFLICT (id) DO NOTHING");
        command.Parameters.AddWithValue(key.Id);
        command.Parameters.AddWithValue(key.TenantId);
        command.Parameters.AddWithValue(key.Name);
        command.Parameters.AddWithValue(key.Hash);
        AddAccess(command, key.Access);
        command.Parameters.AddWithValue(key.Tier is { } tier ? TenancyJson.TierName(tier) : DBNull.Value);
        command.Parameters.AddWithValue(JsonSerializer.Serialize(key.Limits, TenancyJson.Options));
        command.Parameters.AddWithValue(key.CreatedAt);
        command.Parameters.AddWithValue(key.ExpiresAt is { } expires ? expires : DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(string? tenantId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {KeyColumns} FROM api_key_records k WHERE $1::text IS NULL OR k.tenant_id = $1 ORDER BY k.created_at DESC, k.id");
        command.Parameters.AddWithValue(tenantId is null ? DBNull.Value : tenantId);
        var keys = new List<ApiKeyRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(ReadKey(reader, 0));
        }

        return keys;
    }

    public async Task<(ApiKeyRecord Key, Tenant Tenant)?> FindKeyAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {KeyColumns}, {TenantColumns} FROM api_key_records k JOIN tenant_accounts t ON t.id = k.tenant_id WHERE k.id = $1");
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return (ReadKey(reader, 0), ReadTenant(reader, 12));
    }

    public async Task<ApiKeyRecord?> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"UPDATE api_key_records k SET revoked_at = COALESCE(k.revoked_at, $2) WHERE k.id = $1 RETURNING {KeyColumns}");
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(at);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadKey(reader, 0) : null;
    }

    private static void AddAccess(NpgsqlCommand command, TenantAccess access)
    {
        command.Parameters.AddWithValue(access.Models.ToArray());
        command.Parameters.AddWithValue(access.Pools.ToArray());
        command.Parameters.AddWithValue(access.Backends.ToArray());
    }

    private static async Task<IReadOnlyList<Tenant>> ReadTenantsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var tenants = new List<Tenant>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tenants.Add(ReadTenant(reader, 0));
        }

        return tenants;
    }

    private static Tenant ReadTenant(NpgsqlDataReader reader, int at) => new(
        reader.GetString(at),
        reader.GetString(at + 1),
        TenancyJson.TryParseTier(reader.GetString(at + 2), out var tier) ? tier : TenantTier.Standard,
        new TenantAccess(reader.GetFieldValue<string[]>(at + 3), reader.GetFieldValue<string[]>(at + 4), reader.GetFieldValue<string[]>(at + 5)),
        Limits(reader.GetString(at + 6)),
        reader.GetFieldValue<DateTimeOffset>(at + 7),
        reader.IsDBNull(at + 8) ? null : reader.GetFieldValue<DateTimeOffset>(at + 8));

    private static ApiKeyRecord ReadKey(NpgsqlDataReader reader, int at) => new(
        reader.GetString(at),
        reader.GetString(at + 1),
        reader.GetString(at + 2),
        reader.GetFieldValue<byte[]>(at + 3),
        new TenantAccess(reader.GetFieldValue<string[]>(at + 4), reader.GetFieldValue<string[]>(at + 5), reader.GetFieldValue<string[]>(at + 6)),
        reader.IsDBNull(at + 7) ? null : TenancyJson.TryParseTier(reader.GetString(at + 7), out var tier) ? tier : null,
        Limits(reader.GetString(at + 8)),
        reader.GetFieldValue<DateTimeOffset>(at + 9),
        reader.IsDBNull(at + 10) ? null : reader.GetFieldValue<DateTimeOffset>(at + 10),
        reader.IsDBNull(at + 11) ? null : reader.GetFieldValue<DateTimeOffset>(at + 11));

    private static TenantLimits Limits(string json) => JsonSerializer.Deserialize<TenantLimits>(json, TenancyJson.Options) ?? TenantLimits.None;
}
