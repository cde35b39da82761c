using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Suite.Bench;

/// <summary>Starts the embedded suite exactly as the README does (the gateway host), on a free loopback port.</summary>
public sealed class SuiteProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SuiteProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<SuiteProcess> StartAsync(string? modelCache, int threads)
    {
        var dll = FindHostDll();
        var port = Suite.EndToEnd.Tests.Infrastructure.FreePort.Next();

        var address = new Uri($"http://127.0.0.1:{port}");
        var info = new ProcessStartInfo("dotnet", [dll]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["ASPNETCORE_URLS"] = address.ToString();
        info.Environment["Worker__Threads"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (modelCache is not null)
        {
            info.Environment["SUITE_MODEL_CACHE"] = modelCache;
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var suite = new SuiteProcess(process, address);
        using var http = new HttpClient { BaseAddress = address };
        for (var i = 0; i < 240; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The suite exited with code {process.ExitCode} during start.");
            }

            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return suite;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        await suite.DisposeAsync();
        throw new TimeoutException("The suite did not become healthy within 60 s.");
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string FindHostDll()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var bin = Path.Combine(dir.FullName, "gateway", "Suite.Gateway.Host", "bin", configuration);
            if (Directory.Exists(bin))
            {
                return Directory.EnumerateFiles(bin, "Suite.Gateway.Host.dll", SearchOption.AllDirectories).First();
            }
        }

        throw new FileNotFoundException("Suite.Gateway.Host.dll not found; build the solution first.");
    }
}
