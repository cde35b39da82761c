using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Suite.ServiceDefaults.Pipeline;

/// <summary>
/// The pipeline transport of embedded mode: every service in one process, each queue a channel. It behaves as the
/// RabbitMQ transport does where behaviour shows: messages are serialized (the same JSON, so a contract that would not
/// survive the broker does not survive here either), a shared queue keeps messages until a consumer reads them, a
/// message to a queue nobody consumes is dropped, an expired message is dropped, and an endpoint with concurrency 1
/// sees its messages in order. Handling is the <see cref="PipelineDispatcher"/>'s, as on RabbitMQ.
/// </summary>
public sealed partial class InMemoryPipelineTransport(
    IReadOnlyList<PipelineEndpoint> endpoints,
    Lazy<PipelineDispatcher> dispatcher,
    ILogger<InMemoryPipelineTransport> logger) : IPipelineTransport, IHostedService
{
    private readonly ConcurrentDictionary<string, Channel<Envelope>> _queues = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _consumers = [];

    public string Name => "in-memory";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var endpoint in endpoints)
        {
            var queue = Queue(endpoint.Queue);
            for (var i = 0; i < endpoint.Concurrency; i++)
            {
                _consumers.Add(Task.Run(() => ConsumeAsync(endpoint, queue.Reader)));
            }

            LogConsuming(logger, endpoint.Queue, string.Join(", ", endpoint.MessageTypes.Select(t => t[(t.LastIndexOf('.') + 1)..])));
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var queue in _queues.Values)
        {
            queue.Writer.TryComplete();
        }

        await Task.WhenAny(Task.WhenAll(_consumers), Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
    }

    public Task PublishAsync(string queue, PipelineDelivery delivery, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        // Like an unroutable publish on RabbitMQ: an instance queue that does not exist (its process is gone) drops
        // the message; a shared queue is created by its first sender and holds messages until a consumer comes.
        var channel = PipelineAddresses.IsShared(queue) ? Queue(queue) : _queues.GetValueOrDefault(queue);
        var expires = timeToLive is { } ttl ? Stopwatch.GetTimestamp() + (long)(ttl.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        channel?.Writer.TryWrite(new Envelope(delivery, expires));
        return Task.CompletedTask;
    }

    private Channel<Envelope> Queue(string name)
        => _queues.GetOrAdd(name, _ => Channel.CreateUnbounded<Envelope>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false }));

    private async Task ConsumeAsync(PipelineEndpoint endpoint, ChannelReader<Envelope> reader)
    {
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var envelope))
                {
                    if (envelope.Expires < Stopwatch.GetTimestamp())
                    {
                        continue;
                    }

                    try
                    {
                        await dispatcher.Value.DispatchAsync(endpoint, envelope.Delivery, Name, _stopping.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private readonly record struct Envelope(PipelineDelivery Delivery, long Expires);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline (in memory): consuming {Queue} ({Types})")]
    private static partial void LogConsuming(ILogger logger, string queue, string types);
}
