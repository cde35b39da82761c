using Suite.Contracts;

namespace Suite.ServiceDefaults.Pipeline;

/// <summary>
/// Where the request pipeline's messages go: the four hops of a request (gateway → tokenizer → router → worker →
/// gateway) travel on the pipeline transport, addressed <c>pipeline:{queue}</c>. Tokenizer and router queues are
/// shared by every instance of the service (competing consumers); a worker's requests and a gateway's replies have a
/// queue of that instance.
/// </summary>
public static class PipelineAddresses
{
    public const string Scheme = "pipeline";

    /// <summary>The queues every instance of a service shares (competing consumers).</summary>
    public const string TokenizerQueue = QueueNames.Tokenizer + "-hot";

    public const string RouterQueue = QueueNames.Router + "-hot";

    public static Uri Tokenizer { get; } = Address(TokenizerQueue);

    public static Uri Router { get; } = Address(RouterQueue);

    /// <summary>The pipeline queue of one instance (a worker's requests, a gateway's replies).</summary>
    public static string InstanceQueue(string queue) => queue + "-hot";

    public static Uri Address(string queue) => new($"{Scheme}:{queue}");

    public static bool TryGetQueue(Uri address, out string queue)
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
