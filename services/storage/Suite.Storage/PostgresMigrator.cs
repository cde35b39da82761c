using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Suite.Storage;

/// <summary>
/// Brings the database to the schema this build expects, once, whichever process starts first: the SQL files under
/// <c>Migrations/</c> are applied in name order, each in its own transaction and recorded in
/// <c>suite_schema_migrations</c>, under a transaction-level advisory lock so gateways starting together never apply
/// one twice. A file already applied is skipped; an applied file that is gone from the build is left alone (a newer
/// build ran first). Written here because the served NuGet packages offer no migrator for plain SQL without an ORM.
/// </summary>
public sealed partial class PostgresMigrator(NpgsqlDataSource database, IOptions<StorageOptions> options, ILogger<PostgresMigrator> logger) : IHostedService
{
    // Any constant: the advisory lock that serialises migrators across processes.
    private const long LockKey = 0x5375697465L;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.StartTimeoutSeconds));
        while (true)
        {
            try
            {
                await MigrateAsync(timeout.Token).ConfigureAwait(false);
                return;
            }
            catch (NpgsqlException e) when (e.IsTransient && !timeout.IsCancellationRequested)
            {
                // The server may still be starting.
                LogWaiting(logger, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(500), timeout.Token).ConfigureAwait(false);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The migrations this build carries, in the order they apply.</summary>
    public static IReadOnlyList<(string Name, string Sql)> Migrations()
    {
        var assembly = typeof(PostgresMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("migrations/", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n["migrations/".Length..^".sql".Length], Read(assembly, n)))
            .ToList();
    }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            // Under the lock too: concurrent CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL's catalog.
            await LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await using var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS suite_schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", connection, transaction);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var (name, sql) in Migrations())
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

            await using (var check = new NpgsqlCommand("SELECT 1 FROM suite_schema_migrations WHERE name = @name", connection, transaction))
            {
                check.Parameters.AddWithValue("name", name);
                if (await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            await using (var apply = new NpgsqlCommand(sql, connection, transaction))
            {
                await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var record = new NpgsqlCommand("INSERT INTO suite_schema_migrations (name) VALUES (@name)", connection, transaction))
            {
                record.Parameters.AddWithValue("name", name);
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            LogApplied(logger, name);
        }
    }

    private static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction);
        command.Parameters.AddWithValue("key", LockKey);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database migration {Name} applied")]
    private static partial void LogApplied(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL is not reachable yet: {Reason}")]
    private static partial void LogWaiting(ILogger logger, string reason);
}
