namespace Suite.EndToEnd.Tests.Infrastructure;

/// <summary>Every test of the embedded suite shares one running suite and runs one after another.</summary>
[CollectionDefinition(Name)]
public sealed class EmbeddedSuiteCollection : ICollectionFixture<EmbeddedSuiteFixture>
{
    public const string Name = "embedded suite";
}
