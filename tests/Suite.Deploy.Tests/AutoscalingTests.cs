using System.Text.Json;
using System.Text.RegularExpressions;
using Suite.Contracts;
using Suite.Deploy.Tests.Infrastructure;
using Suite.Telemetry.Metrics;

namespace Suite.Deploy.Tests;

/// <summary>
/// Every worker pool scales with KEDA on a signal the suite really exports, keeps a disruption budget, and asks for
/// the device its backend needs; pools that may go to zero are woken by a signal that exists while they have no worker.
/// </summary>
[Collection(ManifestCollection.Name)]
public sealed partial class AutoscalingTests(RenderedManifests manifests)
{
    private static readonly Dictionary<string, string> DeviceResource = new(StringComparer.Ordinal)
    {
        ["cuda"] = "nvidia.com/gpu",
        ["cann"] = "huawei.com/Ascend910",
    };

    private IEnumerable<(string Render, List<ManifestObject> Objects, Workload Worker)> Workers
        => manifests.Renders.SelectMany(r => Workload.In(r.Value)
            .Where(w => w.SuiteImage?.StartsWith("worker-", StringComparison.Ordinal) == true)
            .Select(w => (r.Key, r.Value, w)));

    [Fact]
    public void Every_worker_pool_has_a_ScaledObject_and_a_disruption_budget()
    {
        Assert.NotEmpty(Workers);
        foreach (var (render, objects, worker) in Workers)
        {
            var scaled = objects.Where(o => o.Kind == "ScaledObject" && o.Spec.GetProperty("scaleTargetRef").GetProperty("name").GetString() == worker.Name).ToList();
            var budget = objects.Where(o => o.Kind == "PodDisruptionBudget"
                && o.Spec.GetProperty("selector").GetProperty("matchLabels").GetProperty("app.kubernetes.io/name").GetString() == worker.Name).ToList();

            Assert.True(scaled.Count == 1, $"{render}: {worker.Name} has {scaled.Count} ScaledObjects");
            Assert.True(budget.Count == 1, $"{render}: {worker.Name} has {budget.Count} PodDisruptionBudgets");
            Assert.False(worker.Object.Spec.TryGetProperty("replicas", out _), $"{render}: {worker.Name} sets replicas, which KEDA owns");
        }
    }

    [Fact]
    public void Accelerator_pools_request_their_device_plugin_resource_and_others_request_none()
    {
        foreach (var (render, _, worker) in Workers)
        {
            var backend = worker.Value("Worker__Backend")!;
            var resources = worker.Container.GetProperty("resources");
            var limits = resources.GetProperty("limits");
            Assert.True(resources.GetProperty("requests").TryGetProperty("cpu", out _), $"{render}: {worker.Name} requests no CPU");
            Assert.True(resources.GetProperty("requests").TryGetProperty("memory", out _), $"{render}: {worker.Name} requests no memory");
            foreach (var (target, resource) in DeviceResource)
            {
                var requested = limits.TryGetProperty(resource, out var count) ? count.GetInt32() : 0;
                Assert.True(backend == target ? requested >= 1 : requested == 0, $"{render}: {worker.Name} ({backend}) asks {requested} {resource}");
            }
        }
    }

    [Fact]
    public async Task Scaling_queries_read_metrics_the_telemetry_service_exports_for_that_pool()
    {
        foreach (var (render, objects, worker) in Workers)
        {
            var pool = worker.Value("Worker__Pool")!;
            var exported = await ExportedMetricsAsync(pool);
            var scaled = objects.Single(o => o.Kind == "ScaledObject" && o.Spec.GetProperty("scaleTargetRef").GetProperty("name").GetString() == worker.Name);
            var prometheus = Triggers(scaled).Where(t => t.GetProperty("type").GetString() == "prometheus").ToList();
            Assert.NotEmpty(prometheus);

            foreach (var trigger in prometheus)
            {
                var query = trigger.GetProperty("metadata").GetProperty("query").GetString()!;
                foreach (Match metric in MetricName().Matches(query))
                {
                    Assert.True(exported.Contains(metric.Value + "{", StringComparison.Ordinal), $"{render}: {scaled.Name} reads {metric.Value}, which telemetry does not export");
                }

                foreach (Match selector in PoolSelector().Matches(query))
                {
                    Assert.Equal(pool, selector.Groups[1].Value);
                    Assert.Contains($"pool=\"{pool}\"", exported, StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void Pools_that_may_scale_to_zero_are_woken_by_a_signal_that_exists_without_their_workers()
    {
        foreach (var scaled in manifests.All.Where(o => o.Kind == "ScaledObject"))
        {
            var min = scaled.Spec.TryGetProperty("minReplicaCount", out var m) ? m.GetInt32() : 0;
            if (min > 0)
            {
                continue;
            }

            // The pool's own demand is empty while it has no worker: another pool's waiting, or the jobs queue, must wake it.
            var wakers = Triggers(scaled).Where(t => t.GetProperty("type").GetString() == "rabbitmq"
                || (t.GetProperty("type").GetString() == "prometheus" && !PoolSelector().IsMatch(t.GetProperty("metadata").GetProperty("query").GetString()!)));
            Assert.True(wakers.Any(), $"{scaled}: scales to zero but only its own workers' metrics could wake it");
        }
    }

    [Fact]
    public void The_jobs_queue_triggers_read_both_jobs_queues_with_the_broker_Secret()
    {
        foreach (var (render, objects) in manifests.Renders)
        {
            foreach (var scaled in objects.Where(o => o.Kind == "ScaledObject" && Triggers(o).Any(t => t.GetProperty("type").GetString() == "rabbitmq")))
            {
                var queues = Triggers(scaled).Where(t => t.GetProperty("type").GetString() == "rabbitmq").Select(t => t.GetProperty("metadata").GetProperty("queueName").GetString()).Order(StringComparer.Ordinal);
                Assert.Equal([QueueNames.Jobs, QueueNames.JsonJobs], queues);
            }

            foreach (var trigger in objects.Where(o => o.Kind == "ScaledObject").SelectMany(Triggers).Where(t => t.GetProperty("type").GetString() == "rabbitmq"))
            {
                var auth = trigger.GetProperty("authenticationRef").GetProperty("name").GetString();
                var authentication = objects.Single(o => o.Kind == "TriggerAuthentication" && o.Name == auth);
                var host = authentication.Spec.GetProperty("secretTargetRef").EnumerateArray().Single(t => t.GetProperty("parameter").GetString() == "host");
                Assert.Equal("suite-rabbitmq", host.GetProperty("name").GetString());
                Assert.Equal("uri", host.GetProperty("key").GetString());
            }
        }
    }

    /// <summary>/metrics as the telemetry service renders it after one heartbeat from a worker of <paramref name="pool"/>.</summary>
    private static Task<string> ExportedMetricsAsync(string pool)
    {
        var metrics = new SuiteMetrics();
        metrics.Observe(new WorkerHeartbeat(
            $"{pool}-0", new Uri("queue:suite-worker-x"), "cpu", pool, "m", false, "CPU", 16, 3, 2, 256, 4096, 100, 4096, 0.01, 0.01,
            DateTimeOffset.UtcNow, new ModelDescription("m", "suite", 4096, 100, false, "test", DateTimeOffset.UtcNow)));
        return metrics.RenderAsync();
    }

    private static IEnumerable<JsonElement> Triggers(ManifestObject scaled) => scaled.Spec.GetProperty("triggers").EnumerateArray();

    [GeneratedRegex(@"vllm:[a-z_]+|suite:[a-z_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex("""pool="([^"]+)""")]
    private static partial Regex PoolSelector();
}
