using Suite.Contracts;
using Suite.ServiceDefaults.Pipeline;

namespace Suite.Gateway.Sessions;

/// <summary>
/// This gateway's replies from the pipeline: hands chunks, completions, failures and pending notices to the request
/// that waits for them; messages of requests no longer waited on (finished, or their client left) are dropped.
/// </summary>
public sealed class ReplyHandler(StreamRegistry registry) :
    IPipelineHandler<TokensGeneratedBatch>, IPipelineHandler<TokensGenerated>, IPipelineHandler<GenerationCompleted>, IPipelineHandler<GenerationFailed>, IPipelineHandler<GenerationsPending>,
    IPipelineHandler<GenerationPrepared>
{
    public Task HandleAsync(GenerationPrepared message, CancellationToken cancellationToken)
    {
        if (registry.TryGet(message.RequestId, out var stream))
        {
            stream.OnPrepared(message);
        }

        return Task.CompletedTask;
    }

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
}
