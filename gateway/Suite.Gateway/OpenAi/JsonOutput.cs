using System.Text.Encodings.Web;
using System.Text.Json;

namespace Suite.Gateway.OpenAi;

/// <summary>
/// JSON as OpenAI writes it: UTF-8 text is written as is, not as \u escapes (the default encoder escapes every
/// non-ASCII character and HTML-significant ones, which inflates CJK text sixfold).
/// </summary>
public static class JsonOutput
{
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Utf8JsonWriter Create(Stream stream) => new(stream, WriterOptions);

    public static Utf8JsonWriter Create(System.Buffers.IBufferWriter<byte> buffer) => new(buffer, WriterOptions);
}
