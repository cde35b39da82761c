namespace Suite.Distributed.Tests.Infrastructure;

/// <summary>Every distributed test shares one running suite and runs one after another (they kill its processes).</summary>
[CollectionDefinition(Name)]
public sealed class DistributedSuiteCollection : ICollectionFixture<DistributedSuiteFixture>
{
    public const string Name = "distributed suite";
}
