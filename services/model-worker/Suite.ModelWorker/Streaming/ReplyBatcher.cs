using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Suite.Contracts;
using Suite.ServiceDefaults.Pipeline;

namespace Suite.ModelWorker.Streaming;

/// <summary>
/// One sender per reply address. Chunks queued while a send is in flight leave together in the next
/// <see cref="TokensGeneratedBatch"/>, and when several streams go to the same address the sender waits (at most
/// <see cref="CoalesceWindow"/>) until each of them has a chunk ready, so the streams of one decode step leave in one
/// message. A lone stream sends each chunk at once. Order per address is kept.
/// </summary>
public sealed class ReplyBatcher(IPipelineSender sender)
{
    /// <summary>The longest a ready chunk waits for the other streams bound to the same address.</summary>
    public static readonly TimeSpan CoalesceWindow = TimeSpan.FromMilliseconds(1);

    private static readonly TimeSpan IdleLifetime = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<Uri, Channel<(TokensGenerated Chunk, TaskCompletionSource Sent)>> _queues = new();
    private readonly ConcurrentDictionary<Uri, StrongBox<int>> _streams = new();

    /// <summary>Registers a stream bound for <paramref name="address"/> until the returned handle is disposed.</summary>
    public IDisposable Open(Uri address)
    {
        var count = _streams.GetOrAdd(address, _ => new StrongBox<int>());
        Interlocked.Increment(ref count.Value);
        return new Registration(count);
    }

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
        // A batch carries many requests' chunks: it belongs to no one request's trace.
        System.Diagnostics.Activity.Current = null;
        var pending = new List<(TokensGenerated Chunk, TaskCompletionSource Sent)>();
        var streams = new HashSet<Guid>();
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

            await CoalesceAsync(address, queue, pending, streams).ConfigureAwait(false);
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

    private async Task CoalesceAsync(Uri address, Channel<(TokensGenerated Chunk, TaskCompletionSource Sent)> queue, List<(TokensGenerated Chunk, TaskCompletionSource Sent)> pending, HashSet<Guid> streams)
    {
        int Active() => _streams.TryGetValue(address, out var count) ? Volatile.Read(ref count.Value) : 0;
        if (Active() < 2)
        {
            return;
        }

        streams.Clear();
        foreach (var (chunk, _) in pending)
        {
            streams.Add(chunk.RequestId);
        }

        if (streams.Count >= Active())
        {
            return;
        }

        using var window = new CancellationTokenSource(CoalesceWindow);
        try
        {
            while (streams.Count < Active() && await queue.Reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
            {
                while (queue.Reader.TryRead(out var item))
                {
                    pending.Add(item);
                    streams.Add(item.Chunk.RequestId);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The window closed: send what is ready.
        }
    }

    private sealed class Registration(StrongBox<int> count) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref count.Value);
            }
        }
    }
}
