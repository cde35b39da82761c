namespace Suite.Distributed.Tests.Infrastructure;

/// <summary>An isolated RabbitMQ broker for one test run (own port, own data folder), driven by the project's script.</summary>
public sealed class Broker : IAsyncDisposable
{
    private readonly ScriptedServer _server = new("rabbitmq/rabbitmq.sh", "broker");

    public string Directory => _server.Directory;

    public int Port => _server.Port;

    public Uri Uri => new($"amqp://guest:guest@127.0.0.1:{Port}/");

    public Task StartAsync() => _server.StartAsync();

    public Task StopAsync() => _server.StopAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
