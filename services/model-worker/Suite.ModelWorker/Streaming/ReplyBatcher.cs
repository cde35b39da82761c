using System.Collections.Concurrent;
using System.Threading.Channels;
using Suite.Contracts;
using Suite.ServiceDefaults.Bus.HotPath;

namespace Suite.ModelWorker.Streaming;

/// <summary>
/// One sender per reply address. Chunks queued while a send is in flight leave together in the next
/// <see cref="TokensGeneratedBatch"/>, so batching adapts to load: a lone stream sends each chunk at once, and sixteen
/// streams finishing a decode step together send one message. Order per address is kept.
/// </summary>
public sealed class ReplyBatcher(IPipelineSender sender)
{
    private static readonly TimeSpan IdleLifetime = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<Uri, Channel<(TokensGenerated Chunk, TaskCompletionSource Sent)>> _queues = new();

    /// <summary>Queues a chunk; the task completes once the message carrying it was handed to the bus.</summary>
    public Task SendAsync(Uri address, TokensGenerated chunk)
    {
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        while (true)
        {
            var queue = _queues.GetOrAdd(address, Start);
            if (queue.Writer.TryWrite((chunk, sent)))
            {
                return sent.Task;
            }

            // The sender for this address retired while idle; start another.
            _queues.TryRemove(new KeyValuePair<Uri, Channel<(TokensGenerated, TaskCompletionSource)>>(address, queue));
        }
    }

    private Channel<(TokensGenerated, TaskCompletionSource)> Start(Uri address)
    {
        var queue = Channel.CreateUnbounded<(TokensGenerated, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
        _ = Task.Run(() => RunAsync(address, queue));
        return queue;
    }

    private async Task RunAsync(Uri address, Channel<(TokensGenerated Chunk, TaskCompletionSource Sent)> queue)
    {
        var pending = new List<(TokensGenerated Chunk, TaskCompletionSource Sent)>();
        while (true)
        {
            using (var idle = new CancellationTokenSource(IdleLifetime))
            {
                try
                {
                    if (!await queue.Reader.WaitToReadAsync(idle.Token).ConfigureAwait(false))
                    {
                        return;
                    }
                }
                catch (OperationCanceledException)
                {
                    queue.Writer.TryComplete();
                    _queues.TryRemove(new KeyValuePair<Uri, Channel<(TokensGenerated, TaskCompletionSource)>>(address, queue));
                    while (queue.Reader.TryRead(out var late))
                    {
                        pending.Add(late);
                    }

                    if (pending.Count == 0)
                    {
                        return;
                    }
                }
            }

            while (queue.Reader.TryRead(out var item))
            {
                pending.Add(item);
            }

            try
            {
                await sender.SendAsync(address, new TokensGeneratedBatch(pending.Select(p => p.Chunk).ToArray())).ConfigureAwait(false);
                foreach (var (_, sent) in pending)
                {
                    sent.TrySetResult();
                }
            }
            catch (Exception e)
            {
                foreach (var (_, sent) in pending)
                {
                    sent.TrySetException(e);
                }
            }

            pending.Clear();
        }
    }
}
