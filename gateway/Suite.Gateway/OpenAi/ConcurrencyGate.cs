using Microsoft.Extensions.Options;

namespace Suite.Gateway.OpenAi;

/// <summary>Caps requests in flight at the gateway; past the cap a request is refused at once with 429.</summary>
public sealed class ConcurrencyGate(IOptions<GatewayOptions> options)
{
    private readonly int _limit = options.Value.MaxConcurrentRequests;
    private int _inFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _inFlight) <= _limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);
}
