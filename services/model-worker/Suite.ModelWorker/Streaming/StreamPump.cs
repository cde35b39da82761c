using System.Text;
using Suite.Contracts;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Hosting;
using Suite.ServiceDefaults.Errors;
using Suite.ServiceDefaults.Pipeline;

namespace Suite.ModelWorker.Streaming;

/// <summary>
/// Streams one sequence to its reply address. Each chunk carries every token produced since the previous chunk, so
/// under load chunks grow instead of messages multiplying; text is decoded incrementally and checked for stop strings
/// here, where it is born.
/// </summary>
public sealed class StreamPump(
    GenerateTokens request,
    HeldSequence held,
    IInferenceBackend backend,
    WorkerIdentity identity,
    IPipelineSender sender,
    LatencyAverages latency,
    TimeSpan minChunkInterval,
    ReplyBatcher batcher)
{
    public async Task RunAsync()
    {
        var sequence = held.Sequence;

        // Registered with the batcher only once tokens flow: a sequence still waiting for a slot must not make the
        // batcher wait for a chunk it cannot have.
        IDisposable? registration = null;
        try
        {
            await PumpAsync(sequence, () => registration ??= batcher.Open(request.ReplyAddress)).ConfigureAwait(false);
        }
        finally
        {
            registration?.Dispose();
        }
    }

    private async Task PumpAsync(ISequence sequence, Func<IDisposable> register)
    {
        var decoder = new Utf8StreamDecoder(backend.Vocabulary);
        var matcher = new StopStringMatcher(request.Limits.Stop);
        var text = new StringBuilder();
        var continuation = request.Continuation;
        if (continuation.GeneratedTokens.Length > 0)
        {
            // A continuation: the client already has the text of these tokens up to DeliveredTextLength. Priming the
            // decoder keeps a character split across the hand-over whole; text the earlier worker held back (a
            // possible stop-string prefix) is still pending here, so nothing is lost or repeated.
            decoder.Append(continuation.GeneratedTokens, text);
        }

        var emitted = Math.Min(continuation.DeliveredTextLength, text.Length);
        var index = 0;
        var sentTokens = 0;
        var stoppedByString = false;
        var batch = new List<int>(64);
        var reader = sequence.Tokens;
        long lastSend = 0;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // The first chunk goes out at once (time to first token); after that, tokens that arrive within the
            // minimum interval travel together, so a fast engine does not pay one bus message and one SSE event per
            // token. Inter-token latency seen by the client grows by at most the interval.
            if (lastSend != 0 && minChunkInterval > TimeSpan.Zero && System.Diagnostics.Stopwatch.GetElapsedTime(lastSend) is var since && since < minChunkInterval)
            {
                await Task.Delay(minChunkInterval - since).ConfigureAwait(false);
            }

            batch.Clear();
            while (reader.TryRead(out var token))
            {
                batch.Add(token);
            }

            if (stoppedByString || batch.Count == 0)
            {
                continue;
            }

            register();

            decoder.Append(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batch), text);
            var pending = text.ToString(emitted, text.Length - emitted);
            var (stopAt, safe) = matcher.Scan(pending);
            if (stopAt >= 0)
            {
                stoppedByString = true;
                sequence.Cancel();
            }

            var output = pending[..safe];
            emitted += output.Length;
            sentTokens += batch.Count;
            lastSend = System.Diagnostics.Stopwatch.GetTimestamp();
            held.MarkSent();
            await batcher.SendAsync(request.ReplyAddress, new TokensGenerated(request.RequestId, index, batch.ToArray(), output, identity.WorkerId, backend.Info.Name, continuation.Attempt, index == 0 ? request.Route : null)).ConfigureAwait(false);
            index++;
        }

        var outcome = await sequence.Completion.ConfigureAwait(false);
        var reason = stoppedByString ? FinishReason.Stop : outcome.Reason;
        Tracing.WorkerTracing.End(held.Activity, outcome, reason, continuation.GeneratedTokens.Length + sentTokens);
        if (!stoppedByString && outcome.Reason != FinishReason.Error)
        {
            decoder.Flush(text);
            if (text.Length > emitted)
            {
                await batcher.SendAsync(request.ReplyAddress, new TokensGenerated(request.RequestId, index++, [], text.ToString(emitted, text.Length - emitted), identity.WorkerId, backend.Info.Name, continuation.Attempt)).ConfigureAwait(false);
            }
        }

        if (outcome.Reason == FinishReason.Error)
        {
            await sender.SendAsync(request.ReplyAddress, new GenerationFailed(request.RequestId, PipelineErrors.EngineFailed(outcome.Error ?? "unknown"), identity.WorkerId)).ConfigureAwait(false);
            return;
        }

        latency.Observe(outcome.FirstTokenSeconds, outcome.InterTokenSeconds);
        var timings = new WorkerTimings(outcome.QueueSeconds, outcome.PrefillSeconds, outcome.FirstTokenSeconds, outcome.DecodeSeconds, outcome.InterTokenSeconds);
        await sender.SendAsync(request.ReplyAddress, new GenerationCompleted(request.RequestId, reason, request.PromptTokens.Length, continuation.GeneratedTokens.Length + sentTokens, index, identity.WorkerId, backend.Info.Name, backend.Info.Simulated, timings, continuation.Attempt, Math.Min(outcome.CachedTokens, request.PromptTokens.Length), request.Route)).ConfigureAwait(false);
    }
}
