using MassTransit;

namespace Suite.ServiceDefaults.Bus;

/// <summary>
/// A MassTransit publish with a hard time bound. The cancellation token alone does not bound one: a publish begun while
/// MassTransit is rebuilding its connection after a broker restart can wait on the new channel without observing the
/// token, and a loop that awaited it (heartbeats, failover, cancellations) stopped for good. The bound holds whatever
/// the publish waits on; a publish given up keeps running and its outcome is ignored.
/// </summary>
public static class BoundedPublish
{
    /// <summary>Publishes <paramref name="message"/>; a <see cref="TimeoutException"/> once <paramref name="timeout"/> has passed.</summary>
    public static async Task PublishWithinAsync<T>(this IPublishEndpoint bus, T message, TimeSpan timeout, CancellationToken cancellationToken = default)
        where T : class
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        var publish = bus.Publish(message, bounded.Token);
        _ = publish.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await publish.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }
}
