namespace Suite.ModelWorker.Scheduling;

/// <summary>
/// One change the scheduler plans for a KV cache addressed by lanes and positions (llama.cpp's
/// <c>llama_memory_seq_cp</c> / <c>llama_memory_seq_rm</c>): positions [<see cref="From"/>, <see cref="To"/>), where
/// -1, -1 means the whole lane.
/// </summary>
public readonly record struct KvOperation(KvOperationKind Kind, int Source, int Target, int From, int To)
{
    public static KvOperation Copy(int source, int target, int from, int to) => new(KvOperationKind.Copy, source, target, from, to);

    public static KvOperation Remove(int lane, int from = -1, int to = -1) => new(KvOperationKind.Remove, -1, lane, from, to);
}
