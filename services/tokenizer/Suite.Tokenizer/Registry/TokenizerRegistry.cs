using System.Collections.Concurrent;
using Suite.Contracts;

namespace Suite.Tokenizer.Registry;

/// <summary>
/// The tokenizers this service holds, by model id, and the context length workers actually give each model
/// (learned from their heartbeats; the smallest live one wins, so a prompt accepted here fits every worker).
/// </summary>
public sealed class TokenizerRegistry
{
    private readonly ConcurrentDictionary<string, ModelTokenizer> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, int>> _workerContexts = new(StringComparer.Ordinal);

    public void Add(ModelTokenizer model) => _models[model.ModelId] = model;

    public bool TryGet(string modelId, out ModelTokenizer model) => _models.TryGetValue(modelId, out model!);

    public IReadOnlyCollection<ModelTokenizer> All => _models.Values.ToList();

    public void Observe(WorkerHeartbeat heartbeat)
        => _workerContexts.GetOrAdd(heartbeat.Model, _ => new(StringComparer.Ordinal))[heartbeat.WorkerId] = heartbeat.ContextLength;

    public void Forget(string workerId)
    {
        foreach (var contexts in _workerContexts.Values)
        {
            contexts.TryRemove(workerId, out _);
        }
    }

    /// <summary>The longest sequence (prompt + completion) every worker of this model accepts.</summary>
    public int MaxModelLength(ModelTokenizer model)
    {
        if (_workerContexts.TryGetValue(model.ModelId, out var contexts) && !contexts.IsEmpty)
        {
            return contexts.Values.Min();
        }

        return model.TrainedContextLength;
    }
}
