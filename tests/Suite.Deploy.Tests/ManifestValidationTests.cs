using System.Text.Json;
using System.Text.RegularExpressions;
using Suite.Deploy.Tests.Infrastructure;

namespace Suite.Deploy.Tests;

/// <summary>
/// Every overlay, and every component on the base, renders with kustomize, and every object it yields passes the
/// official schema of its kind: Kubernetes 1.36 (kubernetes-models), KEDA (@kubernetes-models/keda), Dapr's Component.
/// </summary>
[Collection(ManifestCollection.Name)]
public sealed partial class ManifestValidationTests(RenderedManifests manifests)
{
    public static TheoryData<string> Renders() => [.. RenderedManifests.Overlays.Select(RenderedManifests.OverlayRender), .. RenderedManifests.Components.Select(RenderedManifests.ComponentRender)];

    [Theory]
    [MemberData(nameof(Renders))]
    public void Every_render_passes_the_schemas_of_its_kinds(string render)
    {
        var objects = manifests.Render(render);

        Assert.NotEmpty(objects);
        var problems = objects.Where(o => o.Errors.Count > 0 || o.Validator is null).Select(o => $"{o}: {string.Join("; ", o.Errors)}").ToList();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Every_kind_is_checked_by_an_upstream_schema_package()
    {
        var validators = manifests.All.GroupBy(o => $"{o.ApiVersion} {o.Kind}").ToDictionary(g => g.Key, g => g.First().Validator);

        Assert.Equal("kubernetes-models/apps/v1/Deployment", validators["apps/v1 Deployment"]);
        Assert.Equal("@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject", validators["keda.sh/v1alpha1 ScaledObject"]);
        Assert.Equal("dapr-component.schema.json", validators["dapr.io/v1alpha1 Component"]);
        Assert.Equal("5.1.0", manifests.ValidatorVersions.GetProperty("kubernetes-models").GetString());
        Assert.Equal("2.0.0", manifests.ValidatorVersions.GetProperty("@kubernetes-models/keda").GetString());
    }

    [Fact]
    public void Every_manifest_file_is_rendered_by_some_kustomization()
    {
        // A YAML file that no kustomization names is never rendered, so never validated.
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kustomization in Directory.EnumerateFiles(RenderedManifests.K8sRoot, "kustomization.yaml", SearchOption.AllDirectories))
        {
            var folder = Path.GetDirectoryName(kustomization)!;
            foreach (Match reference in FileReference().Matches(File.ReadAllText(kustomization)))
            {
                named.Add(Path.GetFullPath(Path.Combine(folder, reference.Groups[1].Value)));
            }
        }

        var orphans = Directory.EnumerateFiles(RenderedManifests.K8sRoot, "*.yaml", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "kustomization.yaml" && !named.Contains(Path.GetFullPath(f)))
            .ToList();
        Assert.True(orphans.Count == 0, "Not in any kustomization: " + string.Join(", ", orphans));
        Assert.Empty(manifests.Failures);
    }

    [Fact]
    public void No_credential_is_written_in_a_manifest()
    {
        var secrets = manifests.All.Where(o => o.Kind == "Secret").ToList();
        Assert.Empty(secrets);

        foreach (var workload in manifests.Renders.Values.SelectMany(Workload.In))
        {
            foreach (var (name, source) in workload.Environment())
            {
                var looksSecret = SecretName().IsMatch(name) || source.Contains("amqp://", StringComparison.Ordinal) || source.Contains("@", StringComparison.Ordinal);
                Assert.False(looksSecret && !source.StartsWith("secret", StringComparison.Ordinal), $"{workload.Object}: {name} is a credential written as {source}");
            }
        }
    }

    [Fact]
    public void Every_ConfigMap_a_workload_reads_exists_and_every_Secret_is_one_the_README_tells_how_to_create()
    {
        var documented = new HashSet<string>(StringComparer.Ordinal) { "suite-rabbitmq", "suite-gateway-keys", "suite-postgres", "suite-redis" };
        var readme = File.ReadAllText(Path.Combine(RenderedManifests.K8sRoot, "README.md"));
        foreach (var name in documented)
        {
            Assert.Contains(name, readme);
        }

        foreach (var (render, objects) in manifests.Renders)
        {
            var configMaps = objects.Where(o => o.Kind == "ConfigMap").Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var reference in References(objects))
            {
                if (reference.Kind == "configMap")
                {
                    Assert.True(configMaps.Contains(reference.Name), $"{render}: {reference.Where} reads ConfigMap {reference.Name}, which is not in the render");
                }
                else
                {
                    Assert.True(documented.Contains(reference.Name), $"{render}: {reference.Where} reads Secret {reference.Name}, which infra/k8s/README.md does not explain");
                }
            }
        }
    }

    private static IEnumerable<(string Kind, string Name, string Where)> References(IEnumerable<ManifestObject> objects)
    {
        foreach (var o in objects)
        {
            foreach (var (kind, name) in Walk(o.Document))
            {
                yield return (kind, name, o.ToString());
            }
        }
    }

    private static IEnumerable<(string Kind, string Name)> Walk(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name is "configMapRef" or "configMapKeyRef" && property.Value.TryGetProperty("name", out var cm))
                {
                    yield return ("configMap", cm.GetString()!);
                }
                else if (property.Name is "secretRef" or "secretKeyRef" && property.Value.TryGetProperty("name", out var secret))
                {
                    yield return ("secret", secret.GetString()!);
                }
                else if (property.Name == "secretTargetRef")
                {
                    foreach (var target in property.Value.EnumerateArray())
                    {
                        yield return ("secret", target.GetProperty("name").GetString()!);
                    }
                }

                foreach (var inner in Walk(property.Value))
                {
                    yield return inner;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                foreach (var inner in Walk(item))
                {
                    yield return inner;
                }
            }
        }
    }

    [GeneratedRegex(@"(?:^\s*-\s+|\bpath:\s+)(?:\./)?([A-Za-z0-9._/-]+\.yaml)\s*$", RegexOptions.Multiline)]
    private static partial Regex FileReference();

    [GeneratedRegex("(?i)(pass(word)?|secret|token|api_?keys?)(__[0-9]+)?$")]
    private static partial Regex SecretName();
}
