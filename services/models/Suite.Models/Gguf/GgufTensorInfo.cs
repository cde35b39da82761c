namespace Suite.Models.Gguf;

/// <summary>A tensor's entry in a GGUF header: name, shape in ggml order, ggml type id, offset in the data section.</summary>
public sealed record GgufTensorInfo(string Name, long[] Shape, uint GgmlType, ulong Offset);
