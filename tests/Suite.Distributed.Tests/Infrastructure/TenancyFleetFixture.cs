using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.Distributed.Tests.Infrastructure;

/// <summary>
/// A distributed suite with durable state, as an operator runs it: RabbitMQ, PostgreSQL and Redis started by the
/// project's scripts, the tokenizer, router and telemetry, three simulated workers (pool <c>sim-a</c>: sim-a-1 and
/// sim-a-2; pool <c>sim-b</c>: sim-b-1; 4 slots each, ten times slower than real time so a request lasts long enough
/// to kill its worker), and two gateways sharing the database (tenants, usage, job state; a job's lease is 5 s) and the counters: <c>gw1</c> fails open when Redis is
/// down, <c>gw2</c> fails closed. Both have the admin credential and send routing headers.
/// </summary>
public sealed class TenancyFleetFixture : IAsyncLifetime
{
    public const string Model = "suite-smoke";
    public const string AdminKey = "fleet-admin-credential-0123456789";
    public static readonly string[] WorkerIds = ["sim-a-1", "sim-a-2", "sim-b-1"];

    private readonly Dictionary<string, HostProcess> _processes = [];
    private readonly Dictionary<string, (string Project, Dictionary<string, string?> Environment)> _specs = [];
    private readonly HashSet<string> _killed = [];

    public Broker Broker { get; } = new();

    public ScriptedServer Postgres { get; } = ScriptedServer.Postgres();

    public ScriptedServer Redis { get; } = ScriptedServer.Redis();

    public Uri Gateway1 { get; private set; } = null!;

    public Uri Gateway2 { get; private set; } = null!;

    /// <summary>Admin clients of each gateway.</summary>
    public HttpClient Admin1 { get; private set; } = null!;

    public HttpClient Admin2 { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await Task.WhenAll(Broker.StartAsync(), Postgres.StartAsync(), Redis.StartAsync());
        var telemetryPort = FreePort.Next();
        Gateway1 = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        Gateway2 = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        Define("tokenizer", "services/tokenizer/Suite.Tokenizer.Host");
        Define("router", "services/router/Suite.Router.Host");
        Define("telemetry", "services/telemetry/Suite.Telemetry.Host", telemetryPort);
        foreach (var id in WorkerIds)
        {
            Define(ProcessOf(id), "services/model-worker/Suite.ModelWorker.Host", null, new()
            {
                ["Worker__Backend"] = "sim",
                ["Worker__Pool"] = id[..5],
                ["Worker__WorkerId"] = id,
                ["Worker__MaxSequences"] = "4",
                ["Worker__SimTimeScale"] = "10",
                ["Worker__HeartbeatIntervalMilliseconds"] = "250",
            });
        }

        foreach (var (name, uri, policy) in new[] { ("gw1", Gateway1, "Open"), ("gw2", Gateway2, "Closed") })
        {
            Define(name, "gateway/Suite.Gateway.Host", uri.Port, new()
            {
                ["SUITE_MODE"] = "distributed",
                ["DOTNET_gcServer"] = "0",
                ["SUITE_POSTGRES"] = Postgres.Connection,
                ["SUITE_REDIS"] = Redis.Connection,
                ["Gateway__TelemetryUrl"] = $"http://127.0.0.1:{telemetryPort}",
                ["Gateway__RoutingHeaders"] = "true",
                ["Tenancy__AdminKey"] = AdminKey,
                ["Limits__WhenStoreUnavailable"] = policy,
                ["Admission__MaxQueuedPerTenant"] = "8",
                // A killed gateway's jobs are taken over this long after its last lease renewal.
                ["Jobs__LeaseSeconds"] = "5",
            });
        }

        foreach (var name in _specs.Keys)
        {
            Start(name);
        }

        Admin1 = Client(Gateway1, AdminKey);
        Admin2 = Client(Gateway2, AdminKey);
        await WaitForWorkersAsync(WorkerIds, TimeSpan.FromSeconds(180));
    }

    public async ValueTask DisposeAsync()
    {
        Admin1?.Dispose();
        Admin2?.Dispose();
        foreach (var process in _processes.Values)
        {
            await process.DisposeAsync();
        }

        await Broker.DisposeAsync();
        await Postgres.DisposeAsync();
        await Redis.DisposeAsync();
    }

    public static string ProcessOf(string workerId) => "worker-" + workerId;

    public static HttpClient Client(Uri gateway, string key)
    {
        var client = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromMinutes(3) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Ends a process at once (SIGKILL), as a crash would.</summary>
    public void Kill(string name)
    {
        _killed.Add(name);
        _processes[name].Kill();
    }

    public async Task RestartAsync(string name)
    {
        if (_processes.Remove(name, out var old))
        {
            await old.DisposeAsync();
        }

        _killed.Remove(name);
        Start(name);
    }

    /// <summary>Waits until both gateways are healthy and their detailed /health lists every one of <paramref name="workers"/>.</summary>
    public async Task WaitForWorkersAsync(IReadOnlyCollection<string> workers, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "(no answer)";
        while (DateTime.UtcNow < deadline)
        {
            foreach (var (name, process) in _processes)
            {
                if (process.HasExited && !_killed.Contains(name))
                {
                    throw new InvalidOperationException($"{name} exited:\n{process.ReadLog()}");
                }
            }

            var ready = true;
            foreach (var admin in new[] { Admin1, Admin2 })
            {
                try
                {
                    using var response = await admin.GetAsync("/health");
                    last = await response.Content.ReadAsStringAsync();
                    var live = JsonDocument.Parse(last).RootElement.GetProperty("workers").EnumerateArray().Select(w => w.GetProperty("worker_id").GetString()).ToHashSet();
                    ready &= response.IsSuccessStatusCode && workers.All(live.Contains);
                }
                catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or TaskCanceledException)
                {
                    ready = false;
                }
            }

            if (ready)
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The tenancy fleet did not report {string.Join(", ", workers)} within {timeout.TotalSeconds} s. Last /health: {last}\n{Logs()}");
    }

    /// <summary>The running sequences each worker reports (detailed /health of gateway 1).</summary>
    public async Task<Dictionary<string, int>> RunningAsync()
    {
        var health = await Admin1.GetFromJsonAsync<JsonElement>("/health");
        return health.GetProperty("workers").EnumerateArray().ToDictionary(w => w.GetProperty("worker_id").GetString()!, w => w.GetProperty("running_sequences").GetInt32());
    }

    /// <summary>Creates a tenant (through gateway 1) and a key of it; returns the key.</summary>
    public async Task<(string Tenant, string Key, string KeyId)> TenantKeyAsync(object? limits = null, string[]? pools = null)
    {
        var id = "t-" + Guid.NewGuid().ToString("N")[..10];
        using (var tenant = await Admin1.PostAsJsonAsync("/admin/v1/tenants", new { id, limits, allowed_pools = pools }))
        {
            Assert.True(tenant.IsSuccessStatusCode, await tenant.Content.ReadAsStringAsync());
        }

        using var key = await Admin1.PostAsJsonAsync("/admin/v1/keys", new { tenant_id = id });
        var body = JsonDocument.Parse(await key.Content.ReadAsStringAsync()).RootElement;
        Assert.True(key.IsSuccessStatusCode, body.ToString());
        return (id, body.GetProperty("key").GetString()!, body.GetProperty("id").GetString()!);
    }

    /// <summary>The log of one process so far (of its current run, after a restart).</summary>
    public string Log(string name) => _processes[name].ReadLog();

    public string Logs() => string.Join("\n", _processes.Select(p => $"===== {p.Key} =====\n{Tail(p.Value.ReadLog())}"));

    private static string Tail(string log) => log.Length > 3000 ? log[^3000..] : log;

    private void Define(string name, string project, int? port = null, Dictionary<string, string?>? environment = null)
    {
        var env = new Dictionary<string, string?>(environment ?? [])
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port ?? FreePort.Next()}",
            ["SUITE_RABBITMQ_URI"] = Broker.Uri.ToString(),
            ["SUITE_MODEL_CACHE"] = RepositoryPaths.ModelCache,
            ["SUITE_MODEL"] = null,
            ["SUITE_TOKENIZER"] = null,
        };
        _specs[name] = (project, env);
    }

    private void Start(string name)
    {
        var (project, environment) = _specs[name];
        _processes[name] = HostProcess.Start(project, environment, name);
    }
}
