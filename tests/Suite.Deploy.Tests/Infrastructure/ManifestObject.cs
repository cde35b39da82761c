using System.Text.Json;

namespace Suite.Deploy.Tests.Infrastructure;

/// <summary>One object of a rendered kustomization, with the schema that checked it and what it found.</summary>
public sealed record ManifestObject(string Render, JsonElement Document, string? Validator, IReadOnlyList<string> Errors)
{
    public string ApiVersion => Document.GetProperty("apiVersion").GetString()!;

    public string Kind => Document.GetProperty("kind").GetString()!;

    public string Name => Document.GetProperty("metadata").GetProperty("name").GetString()!;

    public JsonElement Spec => Document.GetProperty("spec");

    public override string ToString() => $"{Render}: {Kind}/{Name}";
}
