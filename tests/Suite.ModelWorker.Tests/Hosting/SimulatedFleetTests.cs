using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Suite.ModelWorker.Hosting;

namespace Suite.ModelWorker.Tests.Hosting;

public sealed class SimulatedFleetTests
{
    [Theory]
    [InlineData("1", false)]
    [InlineData("2", true)]
    [InlineData(null, false)]
    public void Requested_OnlyForMoreThanOneWorker(string? count, bool expected)
        => Assert.Equal(expected, SimulatedFleet.Requested(Configuration(("Worker:SimWorkers", count))));

    [Fact]
    public void AddSimulatedFleet_NotTheSimBackend_IsRefusedNamingTheBackend()
    {
        var builder = Builder(("Worker:SimWorkers", "4"), ("Worker:Backend", "cpu"), ("SUITE_RABBITMQ_URI", "amqp://guest:guest@127.0.0.1:5672/"));

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddSimulatedFleet());

        Assert.Contains("'cpu'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSimulatedFleet_InMemoryBus_IsRefused()
    {
        var builder = Builder(("Worker:SimWorkers", "4"), ("Worker:Backend", "sim"));

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddSimulatedFleet());

        Assert.Contains("RabbitMQ", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] settings)
        => new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    private static HostApplicationBuilder Builder(params (string Key, string? Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddConfiguration(Configuration(settings));
        return builder;
    }
}
