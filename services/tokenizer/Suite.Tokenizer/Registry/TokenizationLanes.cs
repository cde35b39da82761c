using Microsoft.Extensions.Options;
using Suite.Contracts;

namespace Suite.Tokenizer.Registry;

/// <summary>
/// Where encoding runs. Short requests are encoded at once on the caller's thread (microseconds to milliseconds).
/// Large ones (<see cref="TokenizerOptions.LargeInputCharacters"/>) queue for a bounded lane
/// (<see cref="TokenizerOptions.LargeInputConcurrency"/>) and run on the thread pool, so a burst of megabyte prompts
/// occupies at most that many cores and a short chat arriving meanwhile is encoded without waiting behind them.
/// </summary>
public sealed class TokenizationLanes(IOptions<TokenizerOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _large = new(options.Value.LargeInputConcurrency);
    private readonly int _threshold = options.Value.LargeInputCharacters;

    /// <summary>Large requests waiting for or holding the lane right now.</summary>
    public int LargeInFlight => options.Value.LargeInputConcurrency - _large.CurrentCount;

    public async ValueTask<T> RunAsync<T>(long characters, Func<T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (characters < _threshold)
        {
            return work();
        }

        await _large.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(work, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _large.Release();
        }
    }

    /// <summary>The characters of text a generation input carries, which decide its lane.</summary>
    public static long Size(GenerationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        long size = input.Prompt?.Length ?? 0;
        foreach (var message in input.Messages ?? [])
        {
            size += (message.Content?.Length ?? 0) + (message.ReasoningContent?.Length ?? 0);
            foreach (var call in message.ToolCalls ?? [])
            {
                size += call.Function.Arguments.Length;
            }
        }

        foreach (var tool in input.Tools ?? [])
        {
            size += (tool.Function.Description?.Length ?? 0) + (tool.Function.ParametersJson?.Length ?? 0);
        }

        return size;
    }

    public void Dispose() => _large.Dispose();
}
