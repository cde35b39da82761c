using Suite.Contracts;

namespace Suite.ServiceDefaults.Bus.HotPath;

/// <summary>
/// Where the request pipeline's messages go. On RabbitMQ with the hot path on (the default), the four hops of a request
/// (gateway → tokenizer → router → worker → gateway) travel on plain queues through RabbitMQ.Client, addressed
/// <c>hot:{queue}</c>; otherwise (embedded mode, or <c>Bus__HotPath=false</c>) they are MassTransit queues.
/// </summary>
public sealed class PipelineAddresses(bool hot)
{
    public const string Scheme = "hot";

    /// <summary>The hot queues every instance of a service shares (competing consumers).</summary>
    public const string TokenizerQueue = QueueNames.Tokenizer + "-hot";

    public const string RouterQueue = QueueNames.Router + "-hot";

    public bool Hot { get; } = hot;

    public Uri Tokenizer => Hot ? HotAddress(TokenizerQueue) : QueueNames.Address(QueueNames.Tokenizer);

    public Uri Router => Hot ? HotAddress(RouterQueue) : QueueNames.Address(QueueNames.Router);

    /// <summary>The hot queue of one instance (a worker's requests, a gateway's replies).</summary>
    public static string InstanceQueue(string queue) => queue + "-hot";

    public static Uri HotAddress(string queue) => new($"{Scheme}:{queue}");

    public static bool TryGetHotQueue(Uri address, out string queue)
    {
        if (address.IsAbsoluteUri && string.Equals(address.Scheme, Scheme, StringComparison.Ordinal))
        {
            queue = address.AbsolutePath;
            return true;
        }

        queue = string.Empty;
        return false;
    }

    /// <summary>Shared queues outlive their consumers, so a sender may (re)declare them; instance queues it must not.</summary>
    public static bool IsShared(string queue) => queue is TokenizerQueue or RouterQueue;
}
