using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Suite.Distributed.Tests.Infrastructure;
using Suite.Storage;

namespace Suite.Distributed.Tests.Jobs;

/// <summary>A PostgreSQL started by the project's script, migrated, shared by the job store tests (each uses its own job ids).</summary>
public sealed class JobStateDatabase : IAsyncLifetime
{
    private readonly ScriptedServer _postgres = ScriptedServer.Postgres();

    public NpgsqlDataSource Database { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await _postgres.StartAsync();
        Database = NpgsqlDataSource.Create(_postgres.Connection);
        var options = Options.Create(new StorageOptions { Postgres = _postgres.Connection });
        await new PostgresMigrator(Database, options, NullLogger<PostgresMigrator>.Instance).MigrateAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        await _postgres.DisposeAsync();
    }
}
