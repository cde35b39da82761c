namespace Suite.ModelWorker.Backends.LlamaCpp;

/// <summary>Element type of the KV cache. F16 halves its memory; F32 makes batched and alone decoding agree to ~1e-6.</summary>
public enum KvCacheType
{
    F16 = 0,
    F32 = 1,
}
