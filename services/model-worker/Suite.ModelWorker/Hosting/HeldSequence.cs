using System.Diagnostics;
using Suite.ModelWorker.Backends;

namespace Suite.ModelWorker.Hosting;

/// <summary>
/// One attempt of a request that this worker holds: its sequence, where its replies go, and when it last sent the
/// gateway anything (so a quiet sequence is announced as pending instead of being taken for lost).
/// </summary>
public sealed class HeldSequence(Guid requestId, int attempt, Uri replyAddress, ISequence sequence, System.Diagnostics.Activity? activity = null)
{
    private long _lastSent = Stopwatch.GetTimestamp();

    public Guid RequestId { get; } = requestId;

    public int Attempt { get; } = attempt;

    public Uri ReplyAddress { get; } = replyAddress;

    public ISequence Sequence { get; } = sequence;

    /// <summary>The sequence's <c>generate</c> span, ended by the stream pump when the sequence ends.</summary>
    public System.Diagnostics.Activity? Activity { get; } = activity;

    /// <summary>How long since the gateway last heard about this sequence.</summary>
    public TimeSpan SinceLastSent => Stopwatch.GetElapsedTime(Volatile.Read(ref _lastSent));

    public void MarkSent() => Volatile.Write(ref _lastSent, Stopwatch.GetTimestamp());
}
