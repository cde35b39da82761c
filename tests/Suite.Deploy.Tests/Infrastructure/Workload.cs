using System.Text.Json;

namespace Suite.Deploy.Tests.Infrastructure;

/// <summary>A Deployment or StatefulSet of a render, read the way the kubelet would: containers, their environment, probes.</summary>
public sealed record Workload(ManifestObject Object, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ConfigMaps)
{
    public string Name => Object.Name;

    public JsonElement PodSpec => Object.Spec.GetProperty("template").GetProperty("spec");

    public JsonElement PodAnnotations => Object.Spec.GetProperty("template").GetProperty("metadata").TryGetProperty("annotations", out var a) ? a : default;

    public IEnumerable<JsonElement> Containers => PodSpec.GetProperty("containers").EnumerateArray();

    public JsonElement Container => Containers.First();

    public string Image => Container.GetProperty("image").GetString()!;

    /// <summary>suite/gateway:0.1.0 → gateway; null for images that are not the suite's (RabbitMQ, PostgreSQL, Redis).</summary>
    public string? SuiteImage => Image.StartsWith("suite/", StringComparison.Ordinal) ? Image["suite/".Length..].Split(':')[0] : null;

    public static IEnumerable<Workload> In(IEnumerable<ManifestObject> render)
    {
        var objects = render.ToList();
        var configMaps = objects.Where(o => o.Kind == "ConfigMap").ToDictionary(
            o => o.Name,
            o => (IReadOnlyDictionary<string, string>)(o.Document.TryGetProperty("data", out var data)
                ? data.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.Ordinal)
                : new Dictionary<string, string>(StringComparer.Ordinal)),
            StringComparer.Ordinal);
        return objects.Where(o => o.Kind is "Deployment" or "StatefulSet").Select(o => new Workload(o, configMaps));
    }

    /// <summary>
    /// Every variable the first container gets and where it comes from: <c>value:…</c>, <c>configmap:NAME</c>,
    /// <c>secret:NAME/KEY</c>, <c>field:PATH</c>. A whole Secret in envFrom adds one entry <c>*secret:NAME</c>.
    /// Later sources win, as in Kubernetes (env over envFrom).
    /// </summary>
    public Dictionary<string, string> Environment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Container.TryGetProperty("envFrom", out var envFrom))
        {
            foreach (var source in envFrom.EnumerateArray())
            {
                if (source.TryGetProperty("configMapRef", out var cm))
                {
                    var name = cm.GetProperty("name").GetString()!;
                    foreach (var (key, value) in ConfigMaps.GetValueOrDefault(name) ?? new Dictionary<string, string>())
                    {
                        result[key] = $"configmap:{name}={value}";
                    }
                }
                else if (source.TryGetProperty("secretRef", out var secret))
                {
                    result[$"*secret:{secret.GetProperty("name").GetString()}"] = "secret";
                }
            }
        }

        if (Container.TryGetProperty("env", out var env))
        {
            foreach (var variable in env.EnumerateArray())
            {
                var name = variable.GetProperty("name").GetString()!;
                if (variable.TryGetProperty("value", out var value))
                {
                    result[name] = $"value:{value.GetString()}";
                }
                else if (variable.GetProperty("valueFrom") is var from && from.TryGetProperty("secretKeyRef", out var secretKey))
                {
                    result[name] = $"secret:{secretKey.GetProperty("name").GetString()}/{secretKey.GetProperty("key").GetString()}";
                }
                else if (from.TryGetProperty("configMapKeyRef", out var configKey))
                {
                    result[name] = $"configmap:{configKey.GetProperty("name").GetString()}";
                }
                else if (from.TryGetProperty("fieldRef", out var field))
                {
                    result[name] = $"field:{field.GetProperty("fieldPath").GetString()}";
                }
            }
        }

        return result;
    }

    /// <summary>The value a variable has when it comes from a literal or a ConfigMap; null otherwise.</summary>
    public string? Value(string variable)
    {
        var source = Environment().GetValueOrDefault(variable);
        return source switch
        {
            null => null,
            _ when source.StartsWith("value:", StringComparison.Ordinal) => source["value:".Length..],
            _ when source.StartsWith("configmap:", StringComparison.Ordinal) && source.Contains('=', StringComparison.Ordinal) => source[(source.IndexOf('=', StringComparison.Ordinal) + 1)..],
            _ => null,
        };
    }

    public IEnumerable<(string Kind, JsonElement Probe)> Probes()
    {
        foreach (var kind in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            if (Container.TryGetProperty(kind, out var probe))
            {
                yield return (kind, probe);
            }
        }
    }

    public IEnumerable<(string Name, int Port)> ContainerPorts()
        => Container.TryGetProperty("ports", out var ports)
            ? ports.EnumerateArray().Select(p => (p.TryGetProperty("name", out var n) ? n.GetString()! : string.Empty, p.GetProperty("containerPort").GetInt32()))
            : [];
}
