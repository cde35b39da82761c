namespace Suite.Models.Gguf;

/// <summary>
/// The header of a GGUF file. Metadata values are normalised: integer scalars are <see cref="long"/>, float32 is
/// <see cref="float"/>, float64 is <see cref="double"/>; arrays are <c>string[]</c>, <c>int[]</c> (8–32-bit integers),
/// <c>long[]</c>, <c>float[]</c>, <c>double[]</c> or <c>bool[]</c>.
/// </summary>
public sealed class GgufFile
{
    public GgufFile(uint version, IReadOnlyDictionary<string, object> metadata, IReadOnlyList<GgufTensorInfo> tensors)
    {
        Version = version;
        Metadata = metadata;
        Tensors = tensors;
    }

    public uint Version { get; }

    public IReadOnlyDictionary<string, object> Metadata { get; }

    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    public string? GetString(string key) => Metadata.TryGetValue(key, out var v) ? v as string : null;

    public long? GetInteger(string key) => Metadata.TryGetValue(key, out var v) && v is long l ? l : null;

    public T[]? GetArray<T>(string key) => Metadata.TryGetValue(key, out var v) ? v as T[] : null;

    /// <summary>The model architecture (<c>general.architecture</c>), e.g. <c>llama</c>.</summary>
    public string Architecture => GetString("general.architecture") ?? "unknown";

    /// <summary>Context length the model was trained with (<c>{arch}.context_length</c>), or null.</summary>
    public int? ContextLength => (int?)GetInteger($"{Architecture}.context_length");
}
