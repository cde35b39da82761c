using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Suite.ServiceDefaults.Bus.HotPath;

/// <summary>
/// A queue this process consumes on the hot path, and the handler of each message type it accepts. The message type
/// travels in the AMQP <c>type</c> property (the contract's name); the body is the contract as JSON.
/// </summary>
public sealed class HotEndpoint(string queue, bool shared, int concurrency)
{
    private readonly Dictionary<string, Func<IServiceProvider, ReadOnlyMemory<byte>, CancellationToken, Task>> _handlers = new(StringComparer.Ordinal);

    public string Queue { get; } = queue;

    /// <summary>Shared queues (every instance of a service consumes) outlive their consumers; others are auto-deleted.</summary>
    public bool Shared { get; } = shared;

    /// <summary>Messages handled at once; 1 keeps delivery order.</summary>
    public int Concurrency { get; } = concurrency;

    public IReadOnlyCollection<string> MessageTypes => _handlers.Keys;

    /// <summary>
    /// Hands <typeparamref name="TMessage"/> to <typeparamref name="THandler"/>. The handler is created once, from the
    /// root container, on first use: hot-path handlers are stateless and depend on singletons only, so no scope is
    /// built per message (the gateway's reply handler runs once per chunk batch).
    /// </summary>
    public HotEndpoint Handle<TMessage, THandler>()
        where TMessage : class
        where THandler : IPipelineHandler<TMessage>
    {
        THandler? handler = default;
        _handlers[HotMessage.TypeName(typeof(TMessage))] = (services, body, cancellationToken) =>
        {
            var message = JsonSerializer.Deserialize<TMessage>(body.Span, HotMessage.Json)
                ?? throw new JsonException($"An empty {typeof(TMessage).Name}.");
            handler ??= ActivatorUtilities.CreateInstance<THandler>(services);
            return handler.HandleAsync(message, cancellationToken);
        };
        return this;
    }

    internal bool TryGetHandler(string? type, out Func<IServiceProvider, ReadOnlyMemory<byte>, CancellationToken, Task> handler)
    {
        if (type is not null && _handlers.TryGetValue(type, out var found))
        {
            handler = found;
            return true;
        }

        handler = null!;
        return false;
    }
}

/// <summary>How hot-path messages are written: the contract's name and System.Text.Json with web defaults.</summary>
public static class HotMessage
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public static string TypeName(Type type) => type.FullName ?? type.Name;
}
