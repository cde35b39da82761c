using MassTransit;
using Suite.Contracts;
using Suite.ServiceDefaults.Bus.HotPath;

namespace Suite.Gateway.Streaming;

/// <summary>Hands chunks, completions and failures to the request that waits for them; late messages are dropped.</summary>
public sealed class GatewayReplyConsumer(StreamRegistry registry) : IConsumer<TokensGenerated>, IConsumer<TokensGeneratedBatch>, IConsumer<GenerationCompleted>, IConsumer<GenerationFailed>, IConsumer<GenerationsPending>,
    IPipelineHandler<TokensGeneratedBatch>, IPipelineHandler<TokensGenerated>, IPipelineHandler<GenerationCompleted>, IPipelineHandler<GenerationFailed>, IPipelineHandler<GenerationsPending>
{
    public Task Consume(ConsumeContext<GenerationsPending> context) => HandleAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<TokensGeneratedBatch> context) => HandleAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<TokensGenerated> context) => HandleAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<GenerationCompleted> context) => HandleAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<GenerationFailed> context) => HandleAsync(context.Message, context.CancellationToken);

    public Task HandleAsync(TokensGeneratedBatch message, CancellationToken cancellationToken)
    {
        var chunks = message.Chunks;
        foreach (var chunk in chunks)
        {
            if (registry.TryGet(chunk.RequestId, out var stream))
            {
                stream.OnChunk(chunk, 1.0 / chunks.Length);
            }
        }

        return Task.CompletedTask;
    }

    public Task HandleAsync(GenerationsPending message, CancellationToken cancellationToken)
    {
        foreach (var pending in message.Generations)
        {
            if (registry.TryGet(pending.RequestId, out var stream))
            {
                stream.OnPending(message.WorkerId, pending.Attempt);
            }
        }

        return Task.CompletedTask;
    }

    public Task HandleAsync(TokensGenerated message, CancellationToken cancellationToken)
    {
        if (registry.TryGet(message.RequestId, out var stream))
        {
            stream.OnChunk(message, 1);
        }

        return Task.CompletedTask;
    }

    public Task HandleAsync(GenerationCompleted message, CancellationToken cancellationToken)
    {
        if (registry.TryGet(message.RequestId, out var stream))
        {
            stream.OnCompleted(message);
        }

        return Task.CompletedTask;
    }

    public Task HandleAsync(GenerationFailed message, CancellationToken cancellationToken)
    {
        if (registry.TryGet(message.RequestId, out var stream))
        {
            stream.OnFailed(message);
        }

        return Task.CompletedTask;
    }
}
