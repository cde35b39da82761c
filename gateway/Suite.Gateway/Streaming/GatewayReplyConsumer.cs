using MassTransit;
using Suite.Contracts;

namespace Suite.Gateway.Streaming;

/// <summary>Hands chunks, completions and failures to the request that waits for them; late messages are dropped.</summary>
public sealed class GatewayReplyConsumer(StreamRegistry registry) : IConsumer<TokensGenerated>, IConsumer<TokensGeneratedBatch>, IConsumer<GenerationCompleted>, IConsumer<GenerationFailed>
{
    public Task Consume(ConsumeContext<TokensGeneratedBatch> context)
    {
        var chunks = context.Message.Chunks;
        foreach (var chunk in chunks)
        {
            if (registry.TryGet(chunk.RequestId, out var stream))
            {
                stream.OnChunk(chunk, 1.0 / chunks.Length);
            }
        }

        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<TokensGenerated> context)
    {
        if (registry.TryGet(context.Message.RequestId, out var stream))
        {
            stream.OnChunk(context.Message, 1);
        }

        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<GenerationCompleted> context)
    {
        if (registry.TryGet(context.Message.RequestId, out var stream))
        {
            stream.OnCompleted(context.Message);
        }

        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<GenerationFailed> context)
    {
        if (registry.TryGet(context.Message.RequestId, out var stream))
        {
            stream.OnFailed(context.Message);
        }

        return Task.CompletedTask;
    }
}
