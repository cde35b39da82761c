using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.EndToEnd.Tests;

/// <summary>
/// Many more streams than slots, with clients that stop reading: waiting for a slot is not a stall (nothing is re-sent
/// while requests wait), and once the clients disconnect the worker is idle within seconds and serves a normal
/// request at once. A suite of its own with a 4-slot worker and a short stall timeout, so the waits in this test are
/// several stall timeouts long.
/// </summary>
public sealed class QueueingTests : IAsyncLifetime
{
    private const int Slots = 4;
    private const int Streams = 16;
    private const double StallTimeoutSeconds = 4;
    private HostProcess? _host;
    private HttpClient _http = null!;
    private Uri _base = null!;

    public async ValueTask InitializeAsync()
    {
        _base = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        _host = HostProcess.Start("gateway/Suite.Gateway.Host", new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = _base.ToString(),
            ["SUITE_MODEL_CACHE"] = RepositoryPaths.ModelCache,
            ["SUITE_MODEL"] = null,
            ["SUITE_TOKENIZER"] = null,
            ["Worker__MaxSequences"] = Slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Worker__Threads"] = "1",
            ["Worker__HeartbeatIntervalMilliseconds"] = "200",
            ["Worker__PendingNoticeSeconds"] = "1",
            ["Gateway__StallTimeoutSeconds"] = StallTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, "queueing");
        _http = new HttpClient { BaseAddress = _base, Timeout = TimeSpan.FromMinutes(2) };
        await Poll.UntilAsync(async () => (await _http.GetAsync("/health")).IsSuccessStatusCode, TimeSpan.FromSeconds(120), "the suite to become healthy", _host);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Stalled_readers_beyond_the_slots_are_never_resent_and_their_disconnect_frees_the_worker()
    {
        var clients = new List<TcpClient>();
        try
        {
            for (var i = 0; i < Streams; i++)
            {
                clients.Add(await OpenStreamAsync($"Tell me story number {i}."));
            }

            // Every stream is held once: four decode, the rest wait (their clients read nothing at all).
            await Poll.UntilAsync(async () => await LoadAsync() == (Slots, Streams - Slots), TimeSpan.FromSeconds(60), $"{Slots} running and {Streams - Slots} waiting", _host!);

            // Three stall timeouts of queueing: nothing may be taken for stalled and sent again.
            var quiet = Stopwatch.StartNew();
            while (quiet.Elapsed < TimeSpan.FromSeconds(3 * StallTimeoutSeconds))
            {
                var (running, waiting) = await LoadAsync();
                Assert.True(running + waiting <= Streams, $"the worker holds {running} running + {waiting} waiting sequences for {Streams} requests");
                await Task.Delay(250, TestContext.Current.CancellationToken);
            }

            Assert.DoesNotContain("resuming as attempt", _host!.ReadLog(), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        var released = Stopwatch.StartNew();
        await Poll.UntilAsync(async () => await LoadAsync() == (0, 0), TimeSpan.FromSeconds(20), "the worker to be idle after every client left", _host);
        var idleAfter = released.Elapsed;

        var served = Stopwatch.StartNew();
        using var response = await _http.PostAsJsonAsync("/v1/completions", new { model = EmbeddedSuiteFixture.Model, prompt = "Hello", max_tokens = 8, temperature = 0 }, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        TestContext.Current.TestOutputHelper?.WriteLine($"worker idle {idleAfter.TotalSeconds:0.00} s after the disconnects; next request served in {served.Elapsed.TotalSeconds:0.00} s");
        Assert.True(served.Elapsed < TimeSpan.FromSeconds(10), $"a normal request took {served.Elapsed.TotalSeconds:0.0} s after the disconnects");
        Assert.DoesNotContain("resuming as attempt", _host!.ReadLog(), StringComparison.Ordinal);
    }

    /// <summary>Sends a streaming request on a raw connection and never reads the answer: a client that stopped reading.</summary>
    private async Task<TcpClient> OpenStreamAsync(string prompt)
    {
        var body = JsonSerializer.Serialize(new { model = EmbeddedSuiteFixture.Model, prompt, stream = true, ignore_eos = true, temperature = 0 });
        var request = $"POST /v1/completions HTTP/1.1\r\nHost: {_base.Authority}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
        var client = new TcpClient { ReceiveBufferSize = 4096 };
        await client.ConnectAsync(_base.Host, _base.Port, TestContext.Current.CancellationToken);
        await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(request), TestContext.Current.CancellationToken);
        return client;
    }

    private async Task<(int Running, int Waiting)> LoadAsync()
    {
        var health = await _http.GetFromJsonAsync<JsonElement>("/health");
        var workers = health.GetProperty("workers").EnumerateArray().ToList();
        return (workers.Sum(w => w.GetProperty("running_sequences").GetInt32()), workers.Sum(w => w.GetProperty("waiting_sequences").GetInt32()));
    }
}
