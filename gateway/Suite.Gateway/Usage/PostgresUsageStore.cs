using Npgsql;

namespace Suite.Gateway.Usage;

/// <summary>Usage in PostgreSQL (<c>usage_hourly</c>): each flush adds its counts to the rows, so gateways never overwrite each other.</summary>
public sealed class PostgresUsageStore(NpgsqlDataSource database) : IUsageStore
{
    public async Task AddAsync(IReadOnlyCollection<KeyValuePair<UsageKey, UsageCounts>> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var (key, counts) in rows)
        {
            var command = new NpgsqlBatchCommand(
                "INSERT INTO usage_hourly (hour, tenant_id, key_id, model, backend, requests, failed_requests, input_tokens, output_tokens) " +
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (hour, tenant_id, key_id, model, backend) DO UPDATE SET " +
                "requests = usage_hourly.requests + excluded.requests, failed_requests = usage_hourly.failed_requests + excluded.failed_requests, " +
                "input_tokens = usage_hourly.input_tokens + excluded.input_tokens, output_tokens = usage_hourly.output_tokens + excluded.output_tokens");
            command.Parameters.AddWithValue(key.Hour);
            command.Parameters.AddWithValue(key.Tenant);
            command.Parameters.AddWithValue(key.Key);
            command.Parameters.AddWithValue(key.Model);
            command.Parameters.AddWithValue(key.Backend);
            command.Parameters.AddWithValue(counts.Requests);
            command.Parameters.AddWithValue(counts.FailedRequests);
            command.Parameters.AddWithValue(counts.InputTokens);
            command.Parameters.AddWithValue(counts.OutputTokens);
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<KeyValuePair<UsageKey, UsageCounts>>> QueryAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT tenant_id, key_id, model, backend, sum(requests)::bigint, sum(failed_requests)::bigint, sum(input_tokens)::bigint, sum(output_tokens)::bigint FROM usage_hourly " +
            "WHERE hour >= $1 AND hour < $2 AND ($3::text IS NULL OR tenant_id = $3) AND ($4::text IS NULL OR key_id = $4) AND ($5::text IS NULL OR model = $5) " +
            "GROUP BY tenant_id, key_id, model, backend ORDER BY tenant_id, key_id, model, backend");
        command.Parameters.AddWithValue(query.Start);
        command.Parameters.AddWithValue(query.End);
        command.Parameters.AddWithValue(query.Tenant is null ? DBNull.Value : query.Tenant);
        command.Parameters.AddWithValue(query.Key is null ? DBNull.Value : query.Key);
        command.Parameters.AddWithValue(query.Model is null ? DBNull.Value : query.Model);
        var rows = new List<KeyValuePair<UsageKey, UsageCounts>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new(
                new UsageKey(query.Start, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)),
                new UsageCounts(reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7))));
        }

        return rows;
    }
}
