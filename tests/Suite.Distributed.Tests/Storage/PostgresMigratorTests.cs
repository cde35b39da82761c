using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Suite.Distributed.Tests.Infrastructure;
using Suite.Storage;

namespace Suite.Distributed.Tests.Storage;

/// <summary>The database migrations on a real PostgreSQL started by the project's script: applied once, whoever runs them, however often.</summary>
public sealed class PostgresMigratorTests : IAsyncLifetime
{
    private readonly ScriptedServer _postgres = ScriptedServer.Postgres();

    public async ValueTask InitializeAsync() => await _postgres.StartAsync();

    public async ValueTask DisposeAsync() => await _postgres.DisposeAsync();

    [Fact]
    public async Task Migrators_started_together_apply_each_migration_exactly_once()
    {
        await using var database = NpgsqlDataSource.Create(_postgres.Connection);
        var options = Options.Create(new StorageOptions { Postgres = _postgres.Connection });
        var migrators = Enumerable.Range(0, 4).Select(_ => new PostgresMigrator(database, options, NullLogger<PostgresMigrator>.Instance)).ToList();

        await Task.WhenAll(migrators.Select(m => m.MigrateAsync(TestContext.Current.CancellationToken)));
        await migrators[0].MigrateAsync(TestContext.Current.CancellationToken);

        await using var command = database.CreateCommand("SELECT name FROM suite_schema_migrations ORDER BY name");
        var applied = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
        }

        Assert.Equal(PostgresMigrator.Migrations().Select(m => m.Name), applied);
    }
}
