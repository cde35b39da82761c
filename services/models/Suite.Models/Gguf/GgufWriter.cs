using System.Buffers.Binary;
using System.Text;

namespace Suite.Models.Gguf;

/// <summary>
/// Writes GGUF v3 files: metadata of every value type (arrays included) and tensors in F32, F16 or Q8_0. Metadata and
/// tensors are written in the order they were added, and nothing depends on time or randomness, so the same calls give a
/// byte-identical file.
/// </summary>
public sealed class GgufWriter
{
    private const uint Magic = 0x46554747; // "GGUF" little-endian
    private const uint Version = 3;
    private const int Q8BlockSize = 32;

    private readonly List<(string Key, GgufValueType Type, object Value)> _metadata = [];
    private readonly List<PendingTensor> _tensors = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);

    /// <param name="alignment">Alignment of the data section and of each tensor; written as <c>general.alignment</c>.</param>
    public GgufWriter(uint alignment = 32)
    {
        if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(alignment), "Alignment must be a power of two.");
        }

        Alignment = alignment;
        Add("general.alignment", GgufValueType.UInt32, alignment);
    }

    public uint Alignment { get; }

    public GgufWriter AddUInt8(string key, byte value) => Add(key, GgufValueType.UInt8, value);

    public GgufWriter AddInt8(string key, sbyte value) => Add(key, GgufValueType.Int8, value);

    public GgufWriter AddUInt16(string key, ushort value) => Add(key, GgufValueType.UInt16, value);

    public GgufWriter AddInt16(string key, short value) => Add(key, GgufValueType.Int16, value);

    public GgufWriter AddUInt32(string key, uint value) => Add(key, GgufValueType.UInt32, value);

    public GgufWriter AddInt32(string key, int value) => Add(key, GgufValueType.Int32, value);

    public GgufWriter AddUInt64(string key, ulong value) => Add(key, GgufValueType.UInt64, value);

    public GgufWriter AddInt64(string key, long value) => Add(key, GgufValueType.Int64, value);

    public GgufWriter AddFloat32(string key, float value) => Add(key, GgufValueType.Float32, value);

    public GgufWriter AddFloat64(string key, double value) => Add(key, GgufValueType.Float64, value);

    public GgufWriter AddBool(string key, bool value) => Add(key, GgufValueType.Bool, value);

    public GgufWriter AddString(string key, string value) => Add(key, GgufValueType.String, value);

    /// <summary>Adds an array; <paramref name="elementType"/> says how each element is encoded.</summary>
    public GgufWriter AddArray<T>(string key, GgufValueType elementType, IReadOnlyList<T> values)
    {
        if (elementType == GgufValueType.Array)
        {
            throw new ArgumentException("Nested arrays are not supported.", nameof(elementType));
        }

        return Add(key, GgufValueType.Array, new ArrayValue(elementType, values.Select(v => (object)v!).ToArray()));
    }

    public GgufWriter AddStringArray(string key, IReadOnlyList<string> values) => AddArray(key, GgufValueType.String, values);

    public GgufWriter AddInt32Array(string key, IReadOnlyList<int> values) => AddArray(key, GgufValueType.Int32, values);

    public GgufWriter AddFloat32Array(string key, IReadOnlyList<float> values) => AddArray(key, GgufValueType.Float32, values);

    /// <summary>
    /// Adds a tensor. <paramref name="shape"/> is in ggml order (innermost dimension first); <paramref name="data"/> is
    /// row-major in that order and converted to <paramref name="type"/> when the file is written.
    /// </summary>
    public GgufWriter AddTensor(string name, long[] shape, GgmlType type, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (!_tensorNames.Add(name))
        {
            throw new ArgumentException($"Tensor '{name}' was already added.", nameof(name));
        }

        if (shape.Length is 0 or > 4 || shape.Any(d => d <= 0))
        {
            throw new ArgumentException($"Tensor '{name}': shape must have 1–4 positive dimensions.", nameof(shape));
        }

        var count = shape.Aggregate(1L, (a, b) => checked(a * b));
        if (count != data.Length)
        {
            throw new ArgumentException($"Tensor '{name}': shape holds {count} values but {data.Length} were given.", nameof(data));
        }

        if (type == GgmlType.Q8_0 && shape[0] % Q8BlockSize != 0)
        {
            throw new ArgumentException($"Tensor '{name}': Q8_0 needs a row width that is a multiple of {Q8BlockSize}, not {shape[0]}.", nameof(shape));
        }

        _tensors.Add(new PendingTensor(name, (long[])shape.Clone(), type, data));
        return this;
    }

    /// <summary>Writes the file at <paramref name="path"/>, replacing any file there.</summary>
    public void Write(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Write(stream);
    }

    public void Write(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write((ulong)_tensors.Count);
        writer.Write((ulong)_metadata.Count);
        foreach (var (key, type, value) in _metadata)
        {
            WriteString(writer, key);
            writer.Write((uint)type);
            WriteValue(writer, type, value);
        }

        ulong offset = 0;
        var offsets = new ulong[_tensors.Count];
        for (var i = 0; i < _tensors.Count; i++)
        {
            var tensor = _tensors[i];
            offsets[i] = offset;
            WriteString(writer, tensor.Name);
            writer.Write((uint)tensor.Shape.Length);
            foreach (var dim in tensor.Shape)
            {
                writer.Write((ulong)dim);
            }

            writer.Write((uint)tensor.Type);
            writer.Write(offset);
            offset = Align(offset + (ulong)ByteSize(tensor), Alignment);
        }

        writer.Flush();
        Pad(writer, stream.Position);
        for (var i = 0; i < _tensors.Count; i++)
        {
            var bytes = Encode(_tensors[i]);
            writer.Write(bytes);
            Pad(writer, bytes.Length);
        }

        writer.Flush();
    }

    private GgufWriter Add(string key, GgufValueType type, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (!_keys.Add(key))
        {
            throw new ArgumentException($"Metadata key '{key}' was already added.", nameof(key));
        }

        _metadata.Add((key, type, value));
        return this;
    }

    private void Pad(BinaryWriter writer, long written)
    {
        var padding = (int)(Align((ulong)written, Alignment) - (ulong)written);
        for (var i = 0; i < padding; i++)
        {
            writer.Write((byte)0);
        }
    }

    private static ulong Align(ulong value, uint alignment) => (value + alignment - 1) / alignment * alignment;

    private static long ByteSize(PendingTensor tensor) => tensor.Type switch
    {
        GgmlType.F32 => tensor.Data.LongLength * 4,
        GgmlType.F16 => tensor.Data.LongLength * 2,
        GgmlType.Q8_0 => tensor.Data.LongLength / Q8BlockSize * 34,
        _ => throw new NotSupportedException($"Tensor type {tensor.Type} is not supported."),
    };

    private static byte[] Encode(PendingTensor tensor)
    {
        var data = tensor.Data;
        var bytes = new byte[ByteSize(tensor)];
        switch (tensor.Type)
        {
            case GgmlType.F32:
                for (var i = 0; i < data.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), data[i]);
                }

                break;
            case GgmlType.F16:
                for (var i = 0; i < data.Length; i++)
                {
                    BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), (Half)data[i]);
                }

                break;
            case GgmlType.Q8_0:
                // ggml's reference quantizer: d = max|x| / 127 stored as f16, q = round(x / d).
                for (var block = 0; block < data.Length / Q8BlockSize; block++)
                {
                    var values = data.AsSpan(block * Q8BlockSize, Q8BlockSize);
                    var amax = 0f;
                    foreach (var v in values)
                    {
                        amax = Math.Max(amax, Math.Abs(v));
                    }

                    var d = amax / 127f;
                    var id = d != 0f ? 1f / d : 0f;
                    var target = bytes.AsSpan(block * 34, 34);
                    BinaryPrimitives.WriteHalfLittleEndian(target, (Half)d);
                    for (var j = 0; j < Q8BlockSize; j++)
                    {
                        target[2 + j] = (byte)(sbyte)MathF.Round(values[j] * id, MidpointRounding.AwayFromZero);
                    }
                }

                break;
            default:
                throw new NotSupportedException($"Tensor type {tensor.Type} is not supported.");
        }

        return bytes;
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void WriteValue(BinaryWriter writer, GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.UInt8: writer.Write(Convert.ToByte(value)); break;
            case GgufValueType.Int8: writer.Write(Convert.ToSByte(value)); break;
            case GgufValueType.UInt16: writer.Write(Convert.ToUInt16(value)); break;
            case GgufValueType.Int16: writer.Write(Convert.ToInt16(value)); break;
            case GgufValueType.UInt32: writer.Write(Convert.ToUInt32(value)); break;
            case GgufValueType.Int32: writer.Write(Convert.ToInt32(value)); break;
            case GgufValueType.UInt64: writer.Write(Convert.ToUInt64(value)); break;
            case GgufValueType.Int64: writer.Write(Convert.ToInt64(value)); break;
            case GgufValueType.Float32: writer.Write(Convert.ToSingle(value)); break;
            case GgufValueType.Float64: writer.Write(Convert.ToDouble(value)); break;
            case GgufValueType.Bool: writer.Write((byte)(Convert.ToBoolean(value) ? 1 : 0)); break;
            case GgufValueType.String: WriteString(writer, (string)value); break;
            case GgufValueType.Array:
                var array = (ArrayValue)value;
                writer.Write((uint)array.ElementType);
                writer.Write((ulong)array.Items.Length);
                foreach (var item in array.Items)
                {
                    WriteValue(writer, array.ElementType, item);
                }

                break;
            default:
                throw new NotSupportedException($"GGUF value type {type} is not supported.");
        }
    }

    private sealed record ArrayValue(GgufValueType ElementType, object[] Items);

    private sealed record PendingTensor(string Name, long[] Shape, GgmlType Type, float[] Data);
}
