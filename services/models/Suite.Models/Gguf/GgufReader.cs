using System.Text;

namespace Suite.Models.Gguf;

/// <summary>Reads the header (metadata and tensor directory) of a GGUF file without touching tensor data.</summary>
public static class GgufReader
{
    private const uint Magic = 0x46554747; // "GGUF" little-endian

    public static GgufFile Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Read(stream, path);
    }

    public static GgufFile Read(Stream stream, string name = "stream")
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (reader.ReadUInt32() != Magic)
            {
                throw new InvalidDataException($"{name} is not a GGUF file (bad magic).");
            }

            var version = reader.ReadUInt32();
            if (version is < 2 or > 3)
            {
                throw new InvalidDataException($"{name}: GGUF version {version} is not supported (2 and 3 are).");
            }

            var tensorCount = checked((long)reader.ReadUInt64());
            var kvCount = checked((long)reader.ReadUInt64());
            var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
            for (long i = 0; i < kvCount; i++)
            {
                var key = ReadString(reader);
                var type = (GgufValueType)reader.ReadUInt32();
                metadata[key] = ReadValue(reader, type);
            }

            var tensors = new List<GgufTensorInfo>((int)Math.Min(tensorCount, 100_000));
            for (long i = 0; i < tensorCount; i++)
            {
                var tensorName = ReadString(reader);
                var dims = reader.ReadUInt32();
                var shape = new long[dims];
                for (var d = 0; d < dims; d++)
                {
                    shape[d] = checked((long)reader.ReadUInt64());
                }

                var type = reader.ReadUInt32();
                var offset = reader.ReadUInt64();
                tensors.Add(new GgufTensorInfo(tensorName, shape, type, offset));
            }

            return new GgufFile(version, metadata, tensors);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{name}: GGUF header is truncated.", e);
        }
    }

    private static string ReadString(BinaryReader reader)
    {
        var length = checked((int)reader.ReadUInt64());
        var bytes = reader.ReadBytes(length);
        if (bytes.Length != length)
        {
            throw new EndOfStreamException();
        }

        return Encoding.UTF8.GetString(bytes);
    }

    private static object ReadValue(BinaryReader reader, GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => (long)reader.ReadByte(),
        GgufValueType.Int8 => (long)reader.ReadSByte(),
        GgufValueType.UInt16 => (long)reader.ReadUInt16(),
        GgufValueType.Int16 => (long)reader.ReadInt16(),
        GgufValueType.UInt32 => (long)reader.ReadUInt32(),
        GgufValueType.Int32 => (long)reader.ReadInt32(),
        GgufValueType.UInt64 => checked((long)reader.ReadUInt64()),
        GgufValueType.Int64 => reader.ReadInt64(),
        GgufValueType.Float32 => reader.ReadSingle(),
        GgufValueType.Float64 => reader.ReadDouble(),
        GgufValueType.Bool => reader.ReadByte() != 0,
        GgufValueType.String => ReadString(reader),
        GgufValueType.Array => ReadArray(reader),
        _ => throw new InvalidDataException($"Unknown GGUF value type {(uint)type}."),
    };

    private static object ReadArray(BinaryReader reader)
    {
        var type = (GgufValueType)reader.ReadUInt32();
        var count = checked((int)reader.ReadUInt64());
        switch (type)
        {
            case GgufValueType.String:
                var strings = new string[count];
                for (var i = 0; i < count; i++)
                {
                    strings[i] = ReadString(reader);
                }

                return strings;
            case GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.UInt16 or GgufValueType.Int16
                or GgufValueType.UInt32 or GgufValueType.Int32:
                var ints = new int[count];
                for (var i = 0; i < count; i++)
                {
                    ints[i] = checked((int)(long)ReadValue(reader, type));
                }

                return ints;
            case GgufValueType.UInt64 or GgufValueType.Int64:
                var longs = new long[count];
                for (var i = 0; i < count; i++)
                {
                    longs[i] = (long)ReadValue(reader, type);
                }

                return longs;
            case GgufValueType.Float32:
                var floats = new float[count];
                for (var i = 0; i < count; i++)
                {
                    floats[i] = reader.ReadSingle();
                }

                return floats;
            case GgufValueType.Float64:
                var doubles = new double[count];
                for (var i = 0; i < count; i++)
                {
                    doubles[i] = reader.ReadDouble();
                }

                return doubles;
            case GgufValueType.Bool:
                var bools = new bool[count];
                for (var i = 0; i < count; i++)
                {
                    bools[i] = reader.ReadByte() != 0;
                }

                return bools;
            default:
                throw new InvalidDataException($"GGUF arrays of {type} are not supported.");
        }
    }
}
