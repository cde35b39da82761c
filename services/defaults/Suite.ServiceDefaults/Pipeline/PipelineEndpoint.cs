using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Suite.ServiceDefaults.Pipeline;

/// <summary>
/// A pipeline queue this process consumes and the handler of each message type it accepts, declared once by a service
/// and bound to whichever transport the host runs. The message type travels with the message (the contract's name);
/// the body is the contract as JSON.
/// </summary>
public sealed class PipelineEndpoint(string queue, bool shared, int concurrency)
{
    private readonly Dictionary<string, PipelineBinding> _bindings = new(StringComparer.Ordinal);

    public string Queue { get; } = queue;

    /// <summary>Shared queues (every instance of a service consumes) outlive their consumers; others go with their process.</summary>
    public bool Shared { get; } = shared;

    /// <summary>Messages handled at once; 1 keeps delivery order.</summary>
    public int Concurrency { get; } = concurrency;

    public IReadOnlyCollection<string> MessageTypes => _bindings.Keys;

    /// <summary>
    /// Hands <typeparamref name="TMessage"/> to <typeparamref name="THandler"/>. The handler is created once, from the
    /// root container, on first use: pipeline handlers are stateless and depend on singletons only, so no scope is built
    /// per message (the gateway's reply handler runs once per chunk batch). When the handler throws,
    /// <paramref name="onFailure"/> may name a reply that tells the requester at once (instead of its waiting for a
    /// stall timeout). <paramref name="traced"/> false: no span per message (chunk batches carry many requests).
    /// </summary>
    public PipelineEndpoint Handle<TMessage, THandler>(Func<TMessage, Exception, PipelineReply?>? onFailure = null, bool traced = true)
        where TMessage : class
        where THandler : IPipelineHandler<TMessage>
    {
        _bindings[PipelineMessage.TypeName(typeof(TMessage))] = new Binding<TMessage, THandler>(onFailure, traced);
        return this;
    }

    internal bool TryGetBinding(string? type, out PipelineBinding binding)
    {
        if (type is not null && _bindings.TryGetValue(type, out var found))
        {
            binding = found;
            return true;
        }

        binding = null!;
        return false;
    }

    private sealed class Binding<TMessage, THandler>(Func<TMessage, Exception, PipelineReply?>? onFailure, bool traced) : PipelineBinding
        where TMessage : class
        where THandler : IPipelineHandler<TMessage>
    {
        private THandler? _handler;

        public override string MessageName => typeof(TMessage).Name;

        public override bool Traced => traced;

        public override object Deserialize(ReadOnlyMemory<byte> body)
            => JsonSerializer.Deserialize<TMessage>(body.Span, PipelineMessage.Json) ?? throw new JsonException($"An empty {typeof(TMessage).Name}.");

        public override Task HandleAsync(IServiceProvider services, object message, CancellationToken cancellationToken)
        {
            _handler ??= ActivatorUtilities.CreateInstance<THandler>(services);
            return _handler.HandleAsync((TMessage)message, cancellationToken);
        }

        public override PipelineReply? OnFailure(object message, Exception exception) => onFailure?.Invoke((TMessage)message, exception);
    }
}

/// <summary>One message type's handler on an endpoint.</summary>
internal abstract class PipelineBinding
{
    public abstract string MessageName { get; }

    public abstract bool Traced { get; }

    public abstract object Deserialize(ReadOnlyMemory<byte> body);

    public abstract Task HandleAsync(IServiceProvider services, object message, CancellationToken cancellationToken);

    public abstract PipelineReply? OnFailure(object message, Exception exception);
}
