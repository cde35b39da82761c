using System.Net.Http.Json;
using System.Text.Json;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.Distributed.Tests.Infrastructure;

/// <summary>
/// The distributed suite as an operator runs it: a broker, the tokenizer, router and telemetry services, two CPU
/// worker pools (cpu-a, cpu-b) and the gateway, each its own process on RabbitMQ. Workers use exact numerics so a
/// sequence resumed on another worker continues with the same tokens.
/// </summary>
public sealed class DistributedSuiteFixture : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string?> _common;
    public const string Model = "suite-smoke";
    private readonly Dictionary<string, HostProcess> _processes = [];
    private readonly Dictionary<string, (string Project, Dictionary<string, string?> Environment)> _specs = [];
    private readonly HashSet<string> _killed = [];

    public DistributedSuiteFixture()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <summary>
    /// A suite whose every process also gets <paramref name="common"/> in its environment. Internal: a collection
    /// fixture may have only one public constructor.
    /// </summary>
    internal DistributedSuiteFixture(IReadOnlyDictionary<string, string?> common) => _common = common;

    public Broker Broker { get; } = new();

    public Uri Gateway { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await Broker.StartAsync();
        var gatewayPort = FreePort.Next();
        var telemetryPort = FreePort.Next();
        Gateway = new Uri($"http://127.0.0.1:{gatewayPort}");
        Define("tokenizer", "services/tokenizer/Suite.Tokenizer.Host");
        Define("router", "services/router/Suite.Router.Host");
        Define("telemetry", "services/telemetry/Suite.Telemetry.Host", telemetryPort);
        Define("worker-cpu-a", "services/model-worker/Suite.ModelWorker.Host", null, WorkerSettings("cpu-a"));
        Define("worker-cpu-b", "services/model-worker/Suite.ModelWorker.Host", null, WorkerSettings("cpu-b"));
        Define("gateway", "gateway/Suite.Gateway.Host", gatewayPort, new()
        {
            ["SUITE_MODE"] = "distributed",
            ["Gateway__TelemetryUrl"] = $"http://127.0.0.1:{telemetryPort}",
            ["Gateway__StallTimeoutSeconds"] = "6",
            ["Gateway__MaxConcurrentJobs"] = "2",
            ["Gateway__RoutingHeaders"] = "true",
        });
        foreach (var name in _specs.Keys)
        {
            Start(name);
        }

        Http = new HttpClient { BaseAddress = Gateway, Timeout = TimeSpan.FromMinutes(3) };
        await WaitForWorkersAsync(2, TimeSpan.FromSeconds(120));
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        foreach (var process in _processes.Values)
        {
            await process.DisposeAsync();
        }

        await Broker.DisposeAsync();
    }

    public HostProcess Process(string name) => _processes[name];

    /// <summary>Ends a process at once (SIGKILL), as a crash would.</summary>
    public void Kill(string name)
    {
        _killed.Add(name);
        _processes[name].Kill();
    }

    /// <summary>Starts a process again after a kill, with the same settings.</summary>
    public async Task RestartAsync(string name)
    {
        if (_processes.Remove(name, out var old))
        {
            await old.DisposeAsync();
        }

        _killed.Remove(name);
        Start(name);
    }

    /// <summary>Waits until /health is 200 with at least <paramref name="count"/> workers live.</summary>
    public async Task WaitForWorkersAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string last = "(no answer)";
        while (DateTime.UtcNow < deadline)
        {
            foreach (var (name, process) in _processes)
            {
                if (process.HasExited && name != "worker-cuda" && !_killed.Contains(name))
                {
                    throw new InvalidOperationException($"{name} exited:\n{process.ReadLog()}");
                }
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

        throw new TimeoutException($"The distributed suite did not report {count} workers within {timeout.TotalSeconds} s. Last /health: {last}\n{Logs()}");
    }

    /// <summary>Polls /health (any status) until <paramref name="condition"/> holds; on timeout, fails with the last answer and the logs.</summary>
    public async Task WaitForHealthAsync(Func<JsonElement, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "(no answer)";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await Http.GetAsync("/health");
                last = await response.Content.ReadAsStringAsync();
                if (condition(JsonDocument.Parse(last).RootElement))
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException)
            {
                last = e.Message;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}. Last /health: {last}\n{Logs()}");
    }

    /// <summary>Which process name serves a worker id.</summary>
    public static string ProcessOfWorker(string workerId) => "worker-" + workerId;

    public string Logs() => string.Join("\n", _processes.Select(p => $"===== {p.Key} =====\n{Tail(p.Value.ReadLog())}"));

    public async Task<JsonElement> HealthAsync() => await Http.GetFromJsonAsync<JsonElement>("/health");

    private static string Tail(string log) => log.Length > 4000 ? log[^4000..] : log;

    private static Dictionary<string, string?> WorkerSettings(string pool) => new()
    {
        ["Worker__Backend"] = "cpu",
        ["Worker__Pool"] = pool,
        ["Worker__WorkerId"] = pool,
        ["Worker__Threads"] = "1",
        ["Worker__MaxSequences"] = "8",
        ["Worker__ExactNumerics"] = "true",
        ["Worker__PrefixCache"] = "true",
        ["Worker__HeartbeatIntervalMilliseconds"] = "250",
    };

    private void Define(string name, string project, int? port = null, Dictionary<string, string?>? environment = null)
    {
        var env = new Dictionary<string, string?>(_common);
        foreach (var (key, value) in environment ?? [])
        {
            env[key] = value;
        }

        foreach (var (key, value) in new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port ?? FreePort.Next()}",
            ["SUITE_RABBITMQ_URI"] = Broker.Uri.ToString(),
            ["SUITE_MODEL_CACHE"] = RepositoryPaths.ModelCache,
            ["SUITE_MODEL"] = null,
            ["SUITE_TOKENIZER"] = null,
        })
        {
            env[key] = value;
        }

        _specs[name] = (project, env);
    }

    private void Start(string name)
    {
        var (project, environment) = _specs[name];
        _processes[name] = HostProcess.Start(project, environment, name);
    }

    /// <summary>Starts an extra process (e.g. a misconfigured worker) that the fixture cleans up.</summary>
    public HostProcess StartExtra(string name, string project, Dictionary<string, string?> environment)
    {
        Define(name, project, null, environment);
        Start(name);
        return _processes[name];
    }
}
