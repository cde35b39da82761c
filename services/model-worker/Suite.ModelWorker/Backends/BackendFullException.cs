namespace Suite.ModelWorker.Backends;

/// <summary>The backend's waiting queue is full; the caller should retry later (HTTP 429/503 with Retry-After).</summary>
public sealed class BackendFullException(string message) : Exception(message);
