using System.Diagnostics;
using Suite.Contracts;

namespace Suite.Gateway.Streaming;

/// <summary>
/// One request in flight at the gateway: reads its events with an idle timeout and, when disposed before it
/// finished, cancels it on the worker so the slot is freed.
/// </summary>
public sealed class GenerationRun(GenerationStream stream, long acceptedTimestamp, GenerationClient client) : IAsyncDisposable
{
    public Guid RequestId => Stream.RequestId;

    internal GenerationStream Stream { get; } = stream;

    public long AcceptedTimestamp { get; } = acceptedTimestamp;

    public long? FirstTokenTimestamp { get; private set; }

    /// <summary>The next event, or null when the stream ended; throws <see cref="TimeoutException"/> after the idle timeout.</summary>
    public async ValueTask<object?> NextAsync(TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        var reader = Stream.Events;
        if (reader.TryRead(out var ready))
        {
            return Observe(ready);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(idleTimeout);
        try
        {
            if (await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false) && reader.TryRead(out var next))
            {
                return Observe(next);
            }

            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No progress from the pipeline for {idleTimeout.TotalSeconds:0} s.");
        }
    }

    public double SecondsSinceAccepted(long timestamp) => (timestamp - AcceptedTimestamp) / (double)Stopwatch.Frequency;

    public void Publish(RequestCompleted completed) => client.Publish(completed);

    public ValueTask DisposeAsync() => client.FinishAsync(this);

    private object Observe(object e)
    {
        if (FirstTokenTimestamp is null && e is TokensGenerated { Tokens.Length: > 0 })
        {
            FirstTokenTimestamp = Stopwatch.GetTimestamp();
        }

        return e;
    }
}
