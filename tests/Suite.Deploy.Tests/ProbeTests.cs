using System.Text.Json;
using System.Text.RegularExpressions;
using Suite.Deploy.Tests.Infrastructure;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.Deploy.Tests;

/// <summary>Probes ask real endpoints: every HTTP probe path is mapped by the host that runs in that image, on a declared port.</summary>
[Collection(ManifestCollection.Name)]
public sealed partial class ProbeTests(RenderedManifests manifests)
{
    /// <summary>The code that serves HTTP in each image: its host project and the libraries it composes in distributed mode.</summary>
    private static readonly Dictionary<string, string[]> SourcesOfImage = new(StringComparer.Ordinal)
    {
        ["gateway"] = ["gateway"],
        ["tokenizer"] = ["services/tokenizer/Suite.Tokenizer.Host", "services/tokenizer/Suite.Tokenizer"],
        ["router"] = ["services/router/Suite.Router.Host", "services/router/Suite.Router"],
        ["telemetry"] = ["services/telemetry"],
        ["worker-cpu"] = ["services/model-worker/Suite.ModelWorker.Host", "services/model-worker/Suite.ModelWorker"],
        ["worker-cuda"] = ["services/model-worker/Suite.ModelWorker.Host", "services/model-worker/Suite.ModelWorker"],
        ["worker-cann"] = ["services/model-worker/Suite.ModelWorker.Host", "services/model-worker/Suite.ModelWorker"],
    };

    [Fact]
    public void Every_http_probe_path_is_mapped_by_the_host_it_probes()
    {
        var checkedProbes = 0;
        foreach (var workload in manifests.Renders.Values.SelectMany(Workload.In).Where(w => w.SuiteImage is not null))
        {
            var routes = Routes(SourcesOfImage[workload.SuiteImage!]);
            foreach (var (kind, probe) in workload.Probes())
            {
                if (probe.TryGetProperty("httpGet", out var http))
                {
                    var path = http.GetProperty("path").GetString()!;
                    Assert.True(routes.Contains(path), $"{workload.Object} {kind} asks {path}, which {workload.SuiteImage} does not map ({string.Join(", ", routes)})");
                    checkedProbes++;
                }
            }

            Assert.Contains(workload.Probes(), p => p.Kind == "readinessProbe");
            Assert.Contains(workload.Probes(), p => p.Kind == "livenessProbe");
        }

        Assert.True(checkedProbes > 0);
    }

    [Fact]
    public void Every_probe_and_Service_port_names_a_declared_container_port()
    {
        foreach (var (render, objects) in manifests.Renders)
        {
            var workloads = Workload.In(objects).ToList();
            foreach (var workload in workloads)
            {
                var ports = workload.ContainerPorts().ToList();
                foreach (var (kind, probe) in workload.Probes())
                {
                    foreach (var handler in new[] { "httpGet", "tcpSocket" })
                    {
                        if (probe.TryGetProperty(handler, out var target))
                        {
                            Assert.True(Matches(target.GetProperty("port"), ports), $"{workload.Object} {kind} targets port {target.GetProperty("port")}");
                        }
                    }
                }
            }

            foreach (var service in objects.Where(o => o.Kind == "Service"))
            {
                var selector = service.Spec.GetProperty("selector").GetProperty("app.kubernetes.io/name").GetString();
                var target = workloads.Single(w => w.Name == selector);
                foreach (var port in service.Spec.GetProperty("ports").EnumerateArray())
                {
                    Assert.True(Matches(port.GetProperty("targetPort"), target.ContainerPorts().ToList()), $"{render}: Service {service.Name} targets {port.GetProperty("targetPort")}");
                }
            }
        }
    }

    private static bool Matches(JsonElement port, List<(string Name, int Port)> ports)
        => port.ValueKind == JsonValueKind.Number ? ports.Any(p => p.Port == port.GetInt32()) : ports.Any(p => p.Name == port.GetString());

    private static HashSet<string> Routes(string[] folders)
    {
        var routes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, folder), "*.cs", SearchOption.AllDirectories))
            {
                foreach (Match match in MappedRoute().Matches(File.ReadAllText(file)))
                {
                    routes.Add(match.Groups[1].Value);
                }
            }
        }

        return routes;
    }

    [GeneratedRegex("""\.Map(?:Get|Post|Put|Delete|Methods)\(\s*"([^"]+)""")]
    private static partial Regex MappedRoute();
}
