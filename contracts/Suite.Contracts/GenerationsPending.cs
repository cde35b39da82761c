namespace Suite.Contracts;

/// <summary>
/// Event from a worker to one gateway: the worker holds these requests but has sent them nothing for a while — they
/// wait for a slot, or their prefill is long. It tells the gateway who holds each request (so a death is noticed before
/// the first token) and that a quiet stream is queued, not lost, so waiting is never taken for a stall.
/// </summary>
public sealed record GenerationsPending(string WorkerId, PendingGeneration[] Generations);
