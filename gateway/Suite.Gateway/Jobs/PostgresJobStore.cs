using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Suite.Contracts.Jobs;

namespace Suite.Gateway.Jobs;

/// <summary>
/// Job state in PostgreSQL (table <c>job_states</c>), shared by every gateway. A claim is one atomic statement
/// (<c>INSERT … ON CONFLICT DO UPDATE … WHERE</c>): it creates the row, or takes over a job whose owner's lease ran out
/// or whose last run failed. A delivery of a job that runs on a live gateway polls the row until that run has a result
/// (or its owner gives it up or dies), so it is neither run twice nor forgotten. Times are the database's clock, so the
/// gateways' clocks need not agree.
/// </summary>
public sealed class PostgresJobStore(NpgsqlDataSource database, IOptions<JobsOptions> options, string owner) : IJobStore
{
    /// <summary>How often a waiting delivery reads the row of a job running elsewhere.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // A failed job may be run again, but not while its owner is still sending the failure (it is not delivered yet).
    private const string Claim =
        "INSERT INTO job_states AS j (id, status, owner, lease_expires_at) VALUES ($1, 'running', $2, now() + $3) " +
        "ON CONFLICT (id) DO UPDATE SET status = 'running', owner = $2, lease_expires_at = now() + $3, result = NULL, " +
        "delivered = false, runs = j.runs + 1, updated_at = now(), finished_at = NULL " +
        "WHERE (j.status = 'running' AND j.lease_expires_at < now()) " +
        "OR (j.status = 'failed' AND (j.delivered OR j.lease_expires_at IS NULL OR j.lease_expires_at < now())) " +
        "RETURNING j.runs";

    private const string Read =
        "SELECT status, result, delivered, lease_expires_at IS NULL OR lease_expires_at < now() FROM job_states WHERE id = $1";

    public string Owner => owner;

    public async Task<JobClaim> ClaimAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using (var claim = database.CreateCommand(Claim))
        {
            claim.Parameters.AddWithValue(jobId);
            claim.Parameters.AddWithValue(owner);
            claim.Parameters.AddWithValue(Lease);
            if (await claim.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                return JobClaim.Run;
            }
        }

        var row = await ReadAsync(jobId, cancellationToken).ConfigureAwait(false);
        return row switch
        {
            null => JobClaim.Wait(Task.FromResult<JobOutcome?>(null)),
            { Status: not "running", Outcome: { } outcome } when row.Delivered || row.Expired => JobClaim.Answer(outcome),
            _ => JobClaim.Wait(PollAsync(jobId, cancellationToken)),
        };
    }

    public async Task RenewAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("UPDATE job_states SET lease_expires_at = now() + $3, updated_at = now() WHERE id = $1 AND owner = $2 AND lease_expires_at IS NOT NULL");
        command.Parameters.AddWithValue(jobId);
        command.Parameters.AddWithValue(owner);
        command.Parameters.AddWithValue(Lease);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task SaveResultAsync(Guid jobId, JobResult result, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("UPDATE job_states SET status = $3, result = $4::jsonb, updated_at = now() WHERE id = $1 AND owner = $2 AND status = 'running'");
        command.Parameters.AddWithValue(jobId);
        command.Parameters.AddWithValue(owner);
        command.Parameters.AddWithValue(StatusOf(result));
        command.Parameters.Add(Serialize(result));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task EndAsync(Guid jobId, JobOutcome outcome, CancellationToken cancellationToken)
    {
        if (outcome.Result is not { } result)
        {
            // Given up (this gateway stops) before a result: released at once, so a redelivery elsewhere runs it.
            await using var release = database.CreateCommand("DELETE FROM job_states WHERE id = $1 AND owner = $2 AND status = 'running'");
            release.Parameters.AddWithValue(jobId);
            release.Parameters.AddWithValue(owner);
            await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await using var command = database.CreateCommand(
            "UPDATE job_states SET status = $3, result = $4::jsonb, delivered = $5, lease_expires_at = NULL, finished_at = now(), updated_at = now() " +
            "WHERE id = $1 AND owner = $2 AND lease_expires_at IS NOT NULL");
        command.Parameters.AddWithValue(jobId);
        command.Parameters.AddWithValue(owner);
        command.Parameters.AddWithValue(StatusOf(result));
        command.Parameters.Add(Serialize(result));
        command.Parameters.AddWithValue(outcome.Delivered);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes finished jobs older than the retention time; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("DELETE FROM job_states WHERE status <> 'running' AND finished_at < now() - $1");
        command.Parameters.AddWithValue(TimeSpan.FromHours(options.Value.ResultRetentionHours));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many runs of the job were started (claims that ran it), or null when it is unknown.</summary>
    public async Task<int?> RunsAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT runs FROM job_states WHERE id = $1");
        command.Parameters.AddWithValue(jobId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as int?;
    }

    private TimeSpan Lease => TimeSpan.FromSeconds(options.Value.LeaseSeconds);

    private async Task<JobOutcome?> PollAsync(Guid jobId, CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            var row = await ReadAsync(jobId, cancellationToken).ConfigureAwait(false);
            switch (row)
            {
                case null:
                case { Status: "running", Expired: true }:
                    // Given up or its gateway died: worth claiming again.
                    return null;
                case { Status: not "running", Outcome: { } outcome } when row.Delivered || row.Expired:
                    return outcome;
            }
        }
    }

    private async Task<Row?> ReadAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(Read);
        command.Parameters.AddWithValue(jobId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var delivered = reader.GetBoolean(2);
        var result = reader.IsDBNull(1) ? null : Deserialize(reader.GetString(1));
        return new Row(reader.GetString(0), result is null ? null : new JobOutcome(result, delivered), delivered, reader.GetBoolean(3));
    }

    private static string StatusOf(JobResult result) => result.Completed is not null ? "completed" : "failed";

    private static NpgsqlParameter<string> Serialize(JobResult result)
        => new() { TypedValue = JsonSerializer.Serialize(new StoredResult(result.Completed, result.Failed), Json), NpgsqlDbType = NpgsqlDbType.Text };

    private static JobResult? Deserialize(string json)
        => JsonSerializer.Deserialize<StoredResult>(json, Json) switch
        {
            { Completed: { } completed } => JobResult.Of(completed),
            { Failed: { } failed } => JobResult.Of(failed),
            _ => null,
        };

    private sealed record Row(string Status, JobOutcome? Outcome, bool Delivered, bool Expired);

    private sealed record StoredResult(GenerationJobCompleted? Completed, GenerationJobFailed? Failed);
}
