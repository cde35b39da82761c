using MassTransit;
using Suite.Contracts;
using Suite.Gateway.OpenAi;

namespace Suite.Gateway.Streaming;

/// <summary>Starts requests into the pipeline (gateway → tokenizer → router → worker) and tracks their replies.</summary>
public sealed class GenerationClient(IBus bus, StreamRegistry registry, ReplyEndpoint reply)
{
    private static readonly Uri TokenizerAddress = QueueNames.Address(QueueNames.Tokenizer);
    private ISendEndpoint? _tokenizer;

    public async Task<GenerationRun> StartAsync(ParsedGeneration request, long acceptedTimestamp, CancellationToken cancellationToken)
    {
        var requestId = Guid.NewGuid();
        var stream = registry.Open(requestId);
        try
        {
            _tokenizer ??= await bus.GetSendEndpoint(TokenizerAddress).ConfigureAwait(false);
            await _tokenizer.Send(
                new PrepareGeneration(requestId, request.Model, request.Input, request.Sampling, request.Limits, reply.Address, request.Priority, DateTimeOffset.UtcNow),
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            registry.Close(requestId);
            throw;
        }

        return new GenerationRun(requestId, stream, acceptedTimestamp, this);
    }

    /// <summary>Ends tracking of a request; if it was still running (the client left), tells the workers to stop it.</summary>
    internal async ValueTask FinishAsync(GenerationRun run)
    {
        registry.Close(run.RequestId);
        if (!run.Stream.IsFinished)
        {
            await bus.Publish(new CancelGeneration(run.RequestId, "client disconnected")).ConfigureAwait(false);
        }
    }

    internal void Publish(RequestCompleted completed) => _ = bus.Publish(completed);
}
