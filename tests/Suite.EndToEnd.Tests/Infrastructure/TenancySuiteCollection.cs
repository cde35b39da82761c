namespace Suite.EndToEnd.Tests.Infrastructure;

/// <summary>The tenancy and edge tests share one embedded suite with tenancy on.</summary>
[CollectionDefinition(Name)]
public sealed class TenancySuiteCollection : ICollectionFixture<TenancySuiteFixture>
{
    public const string Name = "tenancy suite";
}
