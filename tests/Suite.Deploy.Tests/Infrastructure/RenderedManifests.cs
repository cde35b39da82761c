using System.Text.Json;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.Deploy.Tests.Infrastructure;

/// <summary>
/// Renders every overlay of infra/k8s, and every component on top of the base, with kustomize (kubectl's built-in
/// kustomize; no cluster needed), then validates every object with the node validator (tests/Suite.Deploy.Tests/
/// validator). The renders and the validator's report are kept under artifacts/k8s for inspection.
/// </summary>
public sealed class RenderedManifests : IAsyncLifetime
{
    public static string K8sRoot { get; } = Path.Combine(RepositoryPaths.Root, "infra", "k8s");

    public static string ArtifactRoot { get; } = Path.Combine(RepositoryPaths.Root, "artifacts", "k8s");

    private static string ValidatorRoot { get; } = Path.Combine(RepositoryPaths.Root, "tests", "Suite.Deploy.Tests", "validator");

    public static IReadOnlyList<string> Overlays { get; } = Folders("overlays");

    public static IReadOnlyList<string> Components { get; } = Folders("components");

    /// <summary>Render name ("overlay/dev", "component/pool-cpu") → its objects.</summary>
    public Dictionary<string, List<ManifestObject>> Renders { get; } = new(StringComparer.Ordinal);

    /// <summary>Renders kustomize refused, with its message.</summary>
    public Dictionary<string, string> Failures { get; } = new(StringComparer.Ordinal);

    public JsonElement ValidatorVersions { get; private set; }

    public IEnumerable<ManifestObject> All => Renders.Values.SelectMany(r => r);

    public static string OverlayRender(string overlay) => $"overlay/{overlay}";

    public static string ComponentRender(string component) => $"component/{component}";

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(ArtifactRoot);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var overlay in Overlays)
        {
            await RenderAsync(OverlayRender(overlay), Path.Combine(K8sRoot, "overlays", overlay), files);
        }

        foreach (var component in Components)
        {
            // A component cannot render alone: put it on the base in a kustomization of its own (kustomize takes only
            // relative paths, so the folder lives inside the repository, under artifacts/).
            var folder = Path.Combine(ArtifactRoot, "render", component);
            Directory.CreateDirectory(folder);
            var relative = (string path) => Path.GetRelativePath(folder, path).Replace('\\', '/');
            await File.WriteAllTextAsync(Path.Combine(folder, "kustomization.yaml"), $"""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - {relative(Path.Combine(K8sRoot, "base"))}
                components:
                  - {relative(Path.Combine(K8sRoot, "components", component))}
                """);
            await RenderAsync(ComponentRender(component), folder, files);
        }

        await EnsureValidatorInstalledAsync();
        var report = Path.Combine(ArtifactRoot, "validation.json");
        var (exit, output, error) = await ProcessRunner.RunAsync("node", [Path.Combine(ValidatorRoot, "validate.mjs"), report, .. files.Values], ValidatorRoot);
        if (!File.Exists(report))
        {
            throw new InvalidOperationException($"The validator wrote no report (exit {exit}): {output}{error}");
        }

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report));
        ValidatorVersions = json.RootElement.GetProperty("versions").Clone();
        var renderOfFile = files.ToDictionary(f => f.Value, f => f.Key, StringComparer.Ordinal);
        foreach (var file in json.RootElement.GetProperty("files").EnumerateArray())
        {
            var render = renderOfFile[file.GetProperty("file").GetString()!];
            Renders[render] = file.GetProperty("documents").EnumerateArray().Select(d => new ManifestObject(
                render,
                d.GetProperty("document").Clone(),
                d.GetProperty("validator").ValueKind == JsonValueKind.String ? d.GetProperty("validator").GetString() : null,
                d.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList())).ToList();
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public List<ManifestObject> Render(string name)
        => Renders.TryGetValue(name, out var objects)
            ? objects
            : throw new InvalidOperationException($"{name} did not render: {Failures.GetValueOrDefault(name, "not rendered")}");

    private static IReadOnlyList<string> Folders(string under)
        => Directory.EnumerateDirectories(Path.Combine(K8sRoot, under)).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;

    private async Task RenderAsync(string name, string folder, Dictionary<string, string> files)
    {
        (int, string, string) result;
        try
        {
            result = await ProcessRunner.RunAsync("kubectl", ["kustomize", folder], RepositoryPaths.Root);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("kubectl is needed to render infra/k8s (its built-in kustomize; no cluster is contacted): " + e.Message, e);
        }

        var (exit, output, error) = result;
        if (exit != 0)
        {
            Failures[name] = error.Length > 0 ? error : output;
            return;
        }

        var file = Path.Combine(ArtifactRoot, name.Replace('/', '-') + ".yaml");
        await File.WriteAllTextAsync(file, output);
        files[name] = file;
    }

    private static async Task EnsureValidatorInstalledAsync()
    {
        // The validator's own lock file pins every package; install it once per checkout (CI starts clean).
        var installed = Path.Combine(ValidatorRoot, "node_modules", ".package-lock.json");
        if (File.Exists(installed) && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(Path.Combine(ValidatorRoot, "package-lock.json")))
        {
            return;
        }

        var (exit, output, error) = await ProcessRunner.RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], ValidatorRoot, TimeSpan.FromMinutes(5));
        if (exit != 0)
        {
            throw new InvalidOperationException($"npm ci in {ValidatorRoot} failed ({exit}): {output}{error}");
        }
    }
}
