using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Suite.Bench;

/// <summary>The distributed suite started by the project's own launcher (infra/local/suite.sh) in a private run folder.</summary>
public sealed class DistributedSuiteProcess : IAsyncDisposable
{
    private readonly string _root;
    private readonly Dictionary<string, string> _environment;

    private DistributedSuiteProcess(string root, Dictionary<string, string> environment, Uri address)
    {
        _root = root;
        _environment = environment;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<DistributedSuiteProcess> StartAsync(string pools, int threads, string? modelCache)
    {
        var root = FindRoot();
        // The launcher puts the services on the ports after the gateway's (+1 … +10 and one per worker): all of them
        // must be free, so the range is taken below the kernel's ephemeral ports, where client sockets land.
        var gatewayPort = FreePortRange(12 + pools.Split(',').Sum(spec => int.Parse(spec[(spec.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
        var environment = new Dictionary<string, string>
        {
            ["SUITE_RUN_DIR"] = Path.Combine(Path.GetTempPath(), "suite-bench-" + Guid.NewGuid().ToString("N")[..8]),
            ["SUITE_POOLS"] = pools,
            ["SUITE_GATEWAY_PORT"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SUITE_RABBITMQ_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Worker__Threads"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Worker__MaxSequences"] = "16",
        };
        if (modelCache is not null)
        {
            environment["SUITE_MODEL_CACHE"] = modelCache;
        }

        var suite = new DistributedSuiteProcess(root, environment, new Uri($"http://127.0.0.1:{gatewayPort}"));
        var code = await suite.RunScriptAsync("up");
        if (code != 0)
        {
            await suite.DisposeAsync();
            throw new InvalidOperationException($"infra/local/suite.sh up failed ({code}); logs in {environment["SUITE_RUN_DIR"]}/logs");
        }

        return suite;
    }

    public async ValueTask DisposeAsync()
    {
        await RunScriptAsync("down");
        try
        {
            Directory.Delete(_environment["SUITE_RUN_DIR"], recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<int> RunScriptAsync(string command)
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(_root, "infra", "local", "suite.sh"), command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in _environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        // Read both streams to the end of the script only: the launched services write to their own log files.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            Console.Error.WriteLine(await output + await error);
        }

        return process.ExitCode;
    }

    private static int FreePortRange(int count)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var start = Random.Shared.Next(20000, 30000 - count);
            if (Enumerable.Range(start, count).All(Suite.EndToEnd.Tests.Infrastructure.FreePort.IsFree))
            {
                return start;
            }
        }

        throw new InvalidOperationException($"No {count} consecutive free ports between 20000 and 30000.");
    }


    private static int FreePort() => Suite.EndToEnd.Tests.Infrastructure.FreePort.Next();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Suite.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Suite.sln not found");
    }
}
