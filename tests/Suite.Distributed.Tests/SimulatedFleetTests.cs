using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Suite.Distributed.Tests.Infrastructure;

namespace Suite.Distributed.Tests;

/// <summary>
/// Many simulated workers in one process (<c>Worker__SimWorkers</c>): each registers as a worker of its own, the
/// router spreads work over them like over separate processes, and when the process dies they all leave.
/// </summary>
[Collection(DistributedSuiteCollection.Name)]
public sealed class SimulatedFleetTests(DistributedSuiteFixture suite, ITestOutputHelper output)
{
    private const int FleetSize = 24;
    private const string FleetProcess = "worker-sim-fleet";

    [Fact]
    public async Task A_fleet_process_registers_each_worker_serves_requests_on_many_of_them_and_all_leave_when_it_dies()
    {
        suite.StartExtra(FleetProcess, "services/model-worker/Suite.ModelWorker.Host", new Dictionary<string, string?>
        {
            ["Worker__Backend"] = "sim",
            ["Worker__Pool"] = "sim-h100",
            ["Worker__WorkerId"] = "fleet",
            ["Worker__SimWorkers"] = FleetSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Worker__SimProfile"] = "h100-sxm",
            ["Worker__SimTimeScale"] = "0.05",
            ["Worker__MaxSequences"] = "4",
            ["Worker__HeartbeatIntervalMilliseconds"] = "250",
        });
        try
        {
            var expected = Enumerable.Range(0, FleetSize).Select(n => $"fleet-{n:D3}").ToHashSet();
            await suite.WaitForHealthAsync(h => expected.IsSubsetOf(WorkerIds(h)), TimeSpan.FromSeconds(120), $"the {FleetSize} workers of the fleet process to register");

            // Distinct prompts (no shared prefix to follow), all at once: the router's load accounting spreads them.
            var requests = Enumerable.Range(0, 2 * FleetSize).Select(async i =>
            {
                using var response = await suite.Http.PostAsJsonAsync("/v1/completions", new
                {
                    model = DistributedSuiteFixture.Model,
                    prompt = $"{Guid.NewGuid():N} request {i}",
                    max_tokens = 16,
                    temperature = 0,
                    ignore_eos = true,
                }, TestContext.Current.CancellationToken);
                var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                Assert.True(response.StatusCode == HttpStatusCode.OK, body);
                Assert.Equal(16, JsonDocument.Parse(body).RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
                return response.Headers.GetValues("X-Suite-Worker").Single();
            }).ToList();
            var served = await Task.WhenAll(requests);
            var fleetServed = served.Where(expected.Contains).GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count());
            output.WriteLine($"{served.Length} requests: {fleetServed.Values.Sum()} on {fleetServed.Count} fleet workers, the rest on {string.Join(", ", served.Where(w => !expected.Contains(w)).Distinct())}");
            Assert.True(fleetServed.Count >= 4, $"{2 * FleetSize} concurrent requests should spread over many fleet workers; served by {string.Join(", ", served.GroupBy(w => w).Select(g => $"{g.Key}×{g.Count()}"))}");

            suite.Kill(FleetProcess);
            await suite.WaitForHealthAsync(h => !expected.Overlaps(WorkerIds(h)), TimeSpan.FromSeconds(60), "every worker of the killed fleet process to leave the registry");
        }
        finally
        {
            // Whatever happened, leave the shared suite without the fleet: its dead workers would otherwise be routed
            // to (and failed over from) by the next tests until their heartbeats time out.
            suite.Kill(FleetProcess);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline && await FleetStillListedAsync())
            {
                await Task.Delay(250, TestContext.Current.CancellationToken);
            }
        }
    }

    private async Task<bool> FleetStillListedAsync()
    {
        try
        {
            return WorkerIds(await suite.HealthAsync()).Any(id => id.StartsWith("fleet-", StringComparison.Ordinal));
        }
        catch (HttpRequestException)
        {
            return true;
        }
    }

    private static HashSet<string> WorkerIds(JsonElement health)
        => health.GetProperty("workers").EnumerateArray().Select(w => w.GetProperty("worker_id").GetString()!).ToHashSet();
}
