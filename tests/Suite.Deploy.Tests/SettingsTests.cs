using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Suite.Deploy.Tests.Infrastructure;

namespace Suite.Deploy.Tests;

/// <summary>
/// The manifests and the code agree on settings: nothing set that no process reads (a typo would be silently
/// ignored), every setting the code reads is set or deliberately left to its default, the values pass the same
/// validation the services run at start, and what distributed mode needs is there.
/// </summary>
[Collection(ManifestCollection.Name)]
public sealed class SettingsTests(RenderedManifests manifests)
{
    /// <summary>Settings the manifests leave out on purpose, and why.</summary>
    private static readonly Dictionary<string, string> LeftOut = new(StringComparer.Ordinal)
    {
        ["SUITE_BUS"] = "SUITE_RABBITMQ_URI selects the RabbitMQ transport by itself",
        ["Bus__Transport"] = "SUITE_RABBITMQ_URI selects the RabbitMQ transport by itself",
        ["Bus__RabbitMqUri"] = "set as SUITE_RABBITMQ_URI, from the Secret suite-rabbitmq",
        ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "OTEL_EXPORTER_OTLP_ENDPOINT in suite-common covers both signals",
        ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"] = "OTEL_EXPORTER_OTLP_ENDPOINT in suite-common covers both signals",
        ["SUITE_POSTGRES"] = "set as Storage__Postgres from the Secret of components/postgres where that component is used",
        ["SUITE_REDIS"] = "set as Storage__Redis from the Secret of components/redis where that component is used",
        ["OTEL_SERVICE_NAME"] = "each host names itself (suite-gateway, suite-router, ...)",
        ["SUITE_BACKEND"] = "set as Worker__Backend per pool",
        ["SUITE_POOL"] = "set as Worker__Pool per pool",
        ["SUITE_SIM_PROFILE"] = "set as Worker__SimProfile for the sim pool",
        ["Worker__NativeLibraryPath"] = "set as SUITE_NATIVE_LIBRARY_PATH for the cuda and cann pools",
        ["Gateway__ApiKeys"] = "from the optional Secret suite-gateway-keys (envFrom), never a ConfigMap",
        ["Tenancy__AdminKey"] = "from the optional Secret suite-gateway-keys (envFrom), never a ConfigMap",
        ["CUDA_VISIBLE_DEVICES"] = "set by the NVIDIA device plugin to the GPU it allots",
        ["ASCEND_RT_VISIBLE_DEVICES"] = "the Ascend device plugin and runtime choose the NPU",
    };

    private IEnumerable<Workload> SuiteWorkloads => manifests.Renders.Values.SelectMany(Workload.In).Where(w => w.SuiteImage is not null);

    [Fact]
    public void Every_variable_set_on_a_suite_container_is_read_by_the_suite()
    {
        var unknown = SuiteWorkloads
            .SelectMany(w => w.Environment().Keys.Where(k => !k.StartsWith('*')).Select(k => (w, k)))
            .Where(x => !SuiteSettings.IsRead(x.k))
            .Select(x => $"{x.w.Object}: {x.k}")
            .Distinct()
            .ToList();

        Assert.True(unknown.Count == 0, "Set but read by nothing: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Every_setting_the_suite_reads_is_set_in_some_manifest_or_left_out_for_a_stated_reason()
    {
        var set = SuiteWorkloads.SelectMany(w => w.Environment().Keys).Select(SuiteSettings.SettingOf).ToHashSet(StringComparer.Ordinal);

        var missing = SuiteSettings.All.Where(s => !set.Contains(s) && !LeftOut.ContainsKey(s)).Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.True(missing.Count == 0, "Read by the suite but in no manifest: " + string.Join(", ", missing));
        Assert.DoesNotContain(LeftOut.Keys, k => !SuiteSettings.All.Contains(k));
    }

    [Fact]
    public void Option_values_in_the_manifests_pass_the_services_validation()
    {
        foreach (var workload in SuiteWorkloads)
        {
            var environment = workload.Environment();
            var values = environment.Keys.Select(k => (k, workload.Value(k))).Where(x => x.Item2 is not null)
                .ToDictionary(x => x.k.Replace("__", ":", StringComparison.Ordinal), x => x.Item2);
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
            foreach (var (section, type) in SuiteSettings.OptionClasses)
            {
                if (!configuration.GetSection(section).Exists())
                {
                    continue;
                }

                var options = Activator.CreateInstance(type)!;
                configuration.GetSection(section).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
                var results = new List<ValidationResult>();
                var valid = Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
                Assert.True(valid, $"{workload.Object} {section}: {string.Join("; ", results.Select(r => r.ErrorMessage))}");
            }
        }
    }

    [Fact]
    public void Every_suite_process_reaches_the_broker_from_the_Secret_and_listens_on_its_container_port()
    {
        foreach (var workload in SuiteWorkloads)
        {
            var environment = workload.Environment();
            Assert.Equal("secret:suite-rabbitmq/uri", environment.GetValueOrDefault("SUITE_RABBITMQ_URI"));
            var port = Assert.Single(workload.ContainerPorts()).Port;
            Assert.Equal($"http://+:{port}", workload.Value("ASPNETCORE_URLS"));
        }
    }

    [Fact]
    public void The_gateway_runs_distributed_and_proxies_telemetry_through_its_Service()
    {
        foreach (var (render, objects) in manifests.Renders)
        {
            var gateway = Workload.In(objects).Single(w => w.SuiteImage == "gateway");
            var telemetryService = objects.Single(o => o.Kind == "Service" && o.Name == "suite-telemetry");
            var telemetryPort = telemetryService.Spec.GetProperty("ports")[0].GetProperty("port").GetInt32();

            Assert.Equal("distributed", gateway.Value("SUITE_MODE"));
            Assert.Equal($"http://suite-telemetry:{telemetryPort}", gateway.Value("Gateway__TelemetryUrl"));
            Assert.Equal("0", gateway.Value("DOTNET_gcServer"));
            Assert.True(Workload.In(objects).Single(w => w.SuiteImage == "telemetry").Object.Spec.GetProperty("replicas").GetInt32() == 1, render);
        }
    }

    [Fact]
    public void Every_worker_names_its_pool_backend_and_id()
    {
        foreach (var worker in SuiteWorkloads.Where(w => w.SuiteImage!.StartsWith("worker-", StringComparison.Ordinal)))
        {
            var pool = worker.Object.Document.GetProperty("metadata").GetProperty("labels").GetProperty("suite.dev/pool").GetString();
            var backend = worker.Value("Worker__Backend");
            var imageTarget = worker.SuiteImage!["worker-".Length..];

            Assert.Equal(pool, worker.Value("Worker__Pool"));
            Assert.Equal("field:metadata.name", worker.Environment()["Worker__WorkerId"]);
            Assert.True(backend == imageTarget || (backend == "sim" && imageTarget == "cpu"), $"{worker.Object}: backend {backend} on image {worker.Image}");
        }
    }
}
