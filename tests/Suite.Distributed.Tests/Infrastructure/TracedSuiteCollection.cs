namespace Suite.Distributed.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class TracedSuiteCollection : ICollectionFixture<TracedSuiteFixture>
{
    public const string Name = "traced distributed suite";
}
