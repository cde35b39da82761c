using System.Diagnostics;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.Distributed.Tests.Infrastructure;

/// <summary>An isolated RabbitMQ broker for one test run (own port, own data folder), driven by the project's script.</summary>
public sealed class Broker : IAsyncDisposable
{
    private readonly string _script = Path.Combine(RepositoryPaths.Root, "infra", "rabbitmq", "rabbitmq.sh");

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "suite-test-broker-" + Guid.NewGuid().ToString("N")[..8]);

    public int Port { get; } = FreePort.Next();

    public Uri Uri => new($"amqp://guest:guest@127.0.0.1:{Port}/");

    public Task StartAsync() => RunAsync("start");

    public Task StopAsync() => RunAsync("stop");

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task RunAsync(string command)
    {
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
            throw new InvalidOperationException($"rabbitmq.sh {command} failed ({process.ExitCode}): {await output}{await error}");
        }
    }
}
