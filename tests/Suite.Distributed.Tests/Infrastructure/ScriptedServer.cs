using System.Diagnostics;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.Distributed.Tests.Infrastructure;

/// <summary>
/// A server of one test run (own port, own data folder) driven by the project's script under <c>infra/</c>, as an
/// operator would start it: <c>start</c> prints what clients connect to, <c>stop</c> stops it.
/// </summary>
public sealed class ScriptedServer(string script, string name) : IAsyncDisposable
{
    private readonly string _script = Path.Combine(RepositoryPaths.Root, "infra", script);

    private bool _started;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"suite-test-{name}-" + Guid.NewGuid().ToString("N")[..8]);

    public int Port { get; private set; } = FreePort.Next();

    /// <summary>The last line <c>start</c> printed: the connection string or address.</summary>
    public string Connection { get; private set; } = string.Empty;

    public static ScriptedServer Postgres() => new("postgres/postgres.sh", "postgres");

    public static ScriptedServer Redis() => new("redis/redis.sh", "redis");

    /// <summary>
    /// Starts the server. Its first start is tried up to three times, each on another port: the port was free when it
    /// was picked, but another process may bind it before the server does. A restart keeps the port its clients use.
    /// </summary>
    public async Task StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Connection = (await RunAsync("start")).Trim().Split('\n')[^1];
                _started = true;
                return;
            }
            catch (InvalidOperationException e) when (!_started && attempt < 3)
            {
                Console.Error.WriteLine($"{_script} did not start on port {Port} (attempt {attempt}); trying another port. {e.Message}");
                try
                {
                    await RunAsync("stop");
                }
                catch (InvalidOperationException)
                {
                }

                Port = FreePort.Next();
            }
        }
    }

    public Task StopAsync() => RunAsync("stop");

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private async Task<string> RunAsync(string command)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var info = new ProcessStartInfo("bash", [_script, command, "--dir", Directory, "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{_script} {command} failed ({process.ExitCode}): {await output}{await error}");
        }

        return await output;
    }
}
