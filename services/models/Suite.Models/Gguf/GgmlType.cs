namespace Suite.Models.Gguf;

/// <summary>The ggml tensor types this suite writes (values as in ggml.h).</summary>
public enum GgmlType : uint
{
    F32 = 0,
    F16 = 1,
    Q8_0 = 8,
}
