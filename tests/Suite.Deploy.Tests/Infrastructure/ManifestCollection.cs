namespace Suite.Deploy.Tests.Infrastructure;

/// <summary>Tests that read the rendered manifests share one render and one validator run.</summary>
[CollectionDefinition(Name)]
public sealed class ManifestCollection : ICollectionFixture<RenderedManifests>
{
    public const string Name = "rendered manifests";
}
