using System.Security.Cryptography;
using Suite.Models.Gguf;

namespace Suite.ModelWorker.Tests;

public sealed class GgufWriterTests
{
    [Fact]
    public void Write_AllValueTypesAndTensors_ReadBackIdentical()
    {
        using var stream = new MemoryStream();
        BuildSample().Write(stream);
        stream.Position = 0;

        var file = GgufReader.Read(stream);

        Assert.Equal(3u, file.Version);
        Assert.Equal(32L, file.GetInteger("general.alignment"));
        Assert.Equal(200L, file.GetInteger("u8"));
        Assert.Equal(-5L, file.GetInteger("i8"));
        Assert.Equal(60000L, file.GetInteger("u16"));
        Assert.Equal(-30000L, file.GetInteger("i16"));
        Assert.Equal(4_000_000_000L, file.GetInteger("u32"));
        Assert.Equal(-2_000_000_000L, file.GetInteger("i32"));
        Assert.Equal(long.MaxValue, file.GetInteger("u64"));
        Assert.Equal(long.MinValue, file.GetInteger("i64"));
        Assert.Equal(1.5f, file.Metadata["f32"]);
        Assert.Equal(-2.25, file.Metadata["f64"]);
        Assert.Equal(true, file.Metadata["bool"]);
        Assert.Equal("héllo ✓", file.GetString("str"));
        Assert.Equal(["a", "", "ü"], file.GetArray<string>("strs")!);
        Assert.Equal([1, -2, 3], file.GetArray<int>("ints")!);
        Assert.Equal([0.5f, -1f], file.GetArray<float>("floats")!);
        Assert.Equal([true, false], file.GetArray<bool>("bools")!);
        Assert.Equal([10L, 20L], file.GetArray<long>("longs")!);
        Assert.Equal([1.25, 2.5], file.GetArray<double>("doubles")!);

        Assert.Equal(3, file.Tensors.Count);
        Assert.Equal("a", file.Tensors[0].Name);
        Assert.Equal([3L, 2L], file.Tensors[0].Shape);
        Assert.Equal((uint)GgmlType.F16, file.Tensors[1].GgmlType);
        Assert.Equal((uint)GgmlType.Q8_0, file.Tensors[2].GgmlType);
        Assert.All(file.Tensors, t => Assert.Equal(0UL, t.Offset % 32));
        Assert.Equal(32UL, file.Tensors[1].Offset); // 24 bytes of F32, padded to 32
    }

    [Fact]
    public void Write_SameArguments_ByteIdentical()
    {
        using var first = new MemoryStream();
        using var second = new MemoryStream();

        BuildSample().Write(first);
        BuildSample().Write(second);

        Assert.Equal(SHA256.HashData(first.ToArray()), SHA256.HashData(second.ToArray()));
        Assert.Equal(0, first.Length % 32);
    }

    [Fact]
    public void AddTensor_Q8RowNotMultipleOf32_Throws()
    {
        var writer = new GgufWriter();

        Assert.Throws<ArgumentException>(() => writer.AddTensor("t", [16, 2], GgmlType.Q8_0, new float[32]));
    }

    [Fact]
    public void AddTensor_ShapeAndDataDisagree_Throws()
    {
        var writer = new GgufWriter();

        Assert.Throws<ArgumentException>(() => writer.AddTensor("t", [4, 4], GgmlType.F32, new float[15]));
    }

    [Fact]
    public void Write_Q8Tensor_EncodesScaleAndRoundedValues()
    {
        var data = Enumerable.Range(0, 32).Select(i => (i - 16) / 16f).ToArray(); // max |x| = 1
        using var stream = new MemoryStream();
        new GgufWriter().AddTensor("q", [32], GgmlType.Q8_0, data).Write(stream);
        var bytes = stream.ToArray();

        var dataStart = bytes.Length - 64; // one 34-byte block, padded to 64
        Assert.Equal((Half)(1f / 127f), BitConverter.ToHalf(bytes, dataStart));
        Assert.Equal(unchecked((byte)(sbyte)-127), bytes[dataStart + 2]);
        Assert.Equal(0, bytes[dataStart + 2 + 16]);
    }

    private static GgufWriter BuildSample() => new GgufWriter()
        .AddUInt8("u8", 200)
        .AddInt8("i8", -5)
        .AddUInt16("u16", 60000)
        .AddInt16("i16", -30000)
        .AddUInt32("u32", 4_000_000_000)
        .AddInt32("i32", -2_000_000_000)
        .AddUInt64("u64", long.MaxValue)
        .AddInt64("i64", long.MinValue)
        .AddFloat32("f32", 1.5f)
        .AddFloat64("f64", -2.25)
        .AddBool("bool", true)
        .AddString("str", "héllo ✓")
        .AddStringArray("strs", ["a", "", "ü"])
        .AddInt32Array("ints", [1, -2, 3])
        .AddFloat32Array("floats", [0.5f, -1f])
        .AddArray("bools", GgufValueType.Bool, [true, false])
        .AddArray("longs", GgufValueType.Int64, [10L, 20L])
        .AddArray("doubles", GgufValueType.Float64, [1.25, 2.5])
        .AddTensor("a", [3, 2], GgmlType.F32, [1, 2, 3, 4, 5, 6])
        .AddTensor("b", [4], GgmlType.F16, [0.5f, 1, 2, -3])
        .AddTensor("c", [32, 2], GgmlType.Q8_0, Enumerable.Range(0, 64).Select(i => i / 10f).ToArray());
}
