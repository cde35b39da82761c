using System.ClientModel;
using System.Net.Http.Json;
using OpenAI;

namespace Suite.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The embedded suite as a newcomer runs it: the gateway host process with every service inside, on a free loopback
/// port, serving the generated smoke-test model with real llama.cpp inference. Exact numerics (F32 KV cache, no flash
/// attention) so a sequence decodes the same alone or batched.
/// </summary>
public sealed class EmbeddedSuiteFixture : IAsyncLifetime
{
    public const string Model = "suite-smoke";

    private HostProcess? _host;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public OpenAIClient OpenAI { get; private set; } = null!;

    public HostProcess Host => _host!;

    public async ValueTask InitializeAsync()
    {
        var port = FreePort.Next();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        _host = HostProcess.Start("gateway/Suite.Gateway.Host", new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = BaseAddress.ToString(),
            ["SUITE_MODEL_CACHE"] = RepositoryPaths.ModelCache,
            ["SUITE_MODEL"] = null,
            ["SUITE_TOKENIZER"] = null,
            ["Worker__ExactNumerics"] = "true",
            ["Worker__PrefixCache"] = "true",
            ["Worker__MaxSequences"] = "16",
            ["Worker__HeartbeatIntervalMilliseconds"] = "200",

            // Tests read which worker served a request and why (X-Suite-Worker, X-Suite-Route), off by default.
            ["Gateway__RoutingHeaders"] = "true",
        }, "embedded");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        OpenAI = new OpenAIClient(new ApiKeyCredential("not-needed"), new OpenAIClientOptions { Endpoint = new Uri(BaseAddress, "/v1") });
        await WaitHealthyAsync(TimeSpan.FromSeconds(120));
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>Running sequences the worker reports in its latest heartbeat (via /health).</summary>
    public async Task<int> RunningSequencesAsync()
    {
        var health = await Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/health");
        return health.GetProperty("workers").EnumerateArray().Sum(w => w.GetProperty("running_sequences").GetInt32());
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_host!.HasExited)
            {
                throw new InvalidOperationException("The suite exited during start:\n" + _host.ReadLog());
            }

            try
            {
                using var response = await Http.GetAsync("/health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The suite was not healthy within {timeout.TotalSeconds} s:\n" + _host!.ReadLog());
    }
}
