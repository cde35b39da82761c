using System.Text.Json;
using Microsoft.Playwright;
using Suite.Distributed.Tests.Infrastructure;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.Dashboard.Tests.Infrastructure;

/// <summary>
/// A distributed suite on its own RabbitMQ with two simulated pools (H100 and Ascend 910B profiles, real-time
/// simulation), telemetry closing a dashboard interval every second, and headless Chromium (Debian's, driven by
/// Playwright) to look at the page through the gateway, as an operator would.
/// </summary>
public sealed class DashboardSuiteFixture : IAsyncLifetime
{
    public const string Model = "suite-smoke";
    private readonly List<HostProcess> _processes = [];
    private IPlaywright? _playwright;

    public Broker Broker { get; } = new();

    public Uri Gateway { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: artifacts/dashboard (kept by CI with the test results).</summary>
    public static string Artifacts { get; } = Path.Combine(RepositoryPaths.Root, "artifacts", "dashboard");

    public async ValueTask InitializeAsync()
    {
        await Broker.StartAsync();
        var gatewayPort = FreePort.Next();
        var telemetryPort = FreePort.Next();
        Gateway = new Uri($"http://127.0.0.1:{gatewayPort}");
        Start("tokenizer", "services/tokenizer/Suite.Tokenizer.Host", []);
        Start("router", "services/router/Suite.Router.Host", []);
        Start("telemetry", "services/telemetry/Suite.Telemetry.Host", new() { ["Telemetry__DashboardIntervalSeconds"] = "1" }, telemetryPort);
        StartWorker("sim-h100", "h100-sxm");
        StartWorker("sim-910b", "ascend-910b");
        Start("gateway", "gateway/Suite.Gateway.Host", new()
        {
            ["SUITE_MODE"] = "distributed",
            ["Gateway__TelemetryUrl"] = $"http://127.0.0.1:{telemetryPort}",
        }, gatewayPort);
        Http = new HttpClient { BaseAddress = Gateway, Timeout = TimeSpan.FromMinutes(2) };
        await WaitForWorkersAsync(2, TimeSpan.FromSeconds(150));

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("SUITE_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            // Root in CI, no GPU, and a closed network: no sandbox, and none of Chromium's own background connections.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        Directory.CreateDirectory(Artifacts);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Http?.Dispose();
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        await Broker.DisposeAsync();
    }

    /// <summary>Starts one more simulated worker in a pool of its own; the caller may kill it, the fixture disposes it.</summary>
    public HostProcess StartWorker(string pool, string profile) => Start($"worker-{pool}", "services/model-worker/Suite.ModelWorker.Host", new()
    {
        ["Worker__Backend"] = "sim",
        ["Worker__Pool"] = pool,
        ["Worker__WorkerId"] = pool + "-1",
        ["Worker__SimProfile"] = profile,
        ["Worker__MaxSequences"] = "8",
        ["Worker__HeartbeatIntervalMilliseconds"] = "250",
    });

    public async Task<IPage> OpenDashboardAsync()
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1500, Height = 1100 } });
        var response = await page.GotoAsync(new Uri(Gateway, "/dashboard?refresh=1").ToString());
        Assert.True(response is { Ok: true }, $"/dashboard answered {response?.Status}");
        return page;
    }

    public string Logs() => string.Join("\n", _processes.Select(p => $"===== {Path.GetFileName(p.LogPath)} =====\n{Tail(p.ReadLog())}"));

    private static string Tail(string log) => log.Length > 3000 ? log[^3000..] : log;

    private HostProcess Start(string name, string project, Dictionary<string, string?> environment, int? port = null)
    {
        var env = new Dictionary<string, string?>(environment)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port ?? FreePort.Next()}",
            ["SUITE_RABBITMQ_URI"] = Broker.Uri.ToString(),
            ["SUITE_MODEL_CACHE"] = RepositoryPaths.ModelCache,
            ["SUITE_MODEL"] = null,
            ["SUITE_TOKENIZER"] = null,
        };
        var process = HostProcess.Start(project, env, name);
        _processes.Add(process);
        return process;
    }

    private async Task WaitForWorkersAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "(no answer)";
        while (DateTime.UtcNow < deadline)
        {
            if (_processes.FirstOrDefault(p => p.HasExited) is { } exited)
            {
                throw new InvalidOperationException($"{Path.GetFileName(exited.LogPath)} exited:\n{exited.ReadLog()}");
            }

            try
            {
                using var response = await Http.GetAsync("/health");
                last = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode && JsonDocument.Parse(last).RootElement.GetProperty("workers").GetArrayLength() >= count)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The suite did not report {count} workers within {timeout.TotalSeconds} s. Last /health: {last}\n{Logs()}");
    }
}
