using Google.Protobuf;

namespace Suite.Distributed.Tests.Infrastructure;

/// <summary>
/// Reads the spans out of an OTLP <c>ExportTraceServiceRequest</c> (protobuf), field by field with Google.Protobuf's
/// reader: only what the tests look at (resource service name, scope name, ids, name, kind, attributes), following the
/// field numbers of opentelemetry-proto's trace.proto, common.proto and resource.proto.
/// </summary>
public static class OtlpTraceDecoder
{
    public static List<OtlpSpan> Decode(byte[] body)
    {
        var spans = new List<OtlpSpan>();
        var input = new CodedInputStream(body);
        while (input.ReadTag() is var tag and not 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1)
            {
                ReadResourceSpans(input.ReadBytes(), spans);
            }
            else
            {
                input.SkipLastField();
            }
        }

        return spans;
    }

    private static void ReadResourceSpans(ByteString bytes, List<OtlpSpan> spans)
    {
        var input = bytes.CreateCodedInput();
        var service = string.Empty;
        var scopes = new List<ByteString>();
        while (input.ReadTag() is var tag and not 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    var resource = ReadAttributes(input.ReadBytes(), field: 1);
                    service = resource.GetValueOrDefault("service.name") as string ?? string.Empty;
                    break;
                case 2:
                    scopes.Add(input.ReadBytes());
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        foreach (var scope in scopes)
        {
            ReadScopeSpans(scope, service, spans);
        }
    }

    private static void ReadScopeSpans(ByteString bytes, string service, List<OtlpSpan> spans)
    {
        var input = bytes.CreateCodedInput();
        var scope = string.Empty;
        var raw = new List<ByteString>();
        while (input.ReadTag() is var tag and not 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    var scopeInput = input.ReadBytes().CreateCodedInput();
                    while (scopeInput.ReadTag() is var scopeTag and not 0)
                    {
                        if (WireFormat.GetTagFieldNumber(scopeTag) == 1)
                        {
                            scope = scopeInput.ReadString();
                        }
                        else
                        {
                            scopeInput.SkipLastField();
                        }
                    }

                    break;
                case 2:
                    raw.Add(input.ReadBytes());
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        spans.AddRange(raw.Select(r => ReadSpan(r, service, scope)));
    }

    private static OtlpSpan ReadSpan(ByteString bytes, string service, string scope)
    {
        var input = bytes.CreateCodedInput();
        string traceId = string.Empty, spanId = string.Empty, parent = string.Empty, name = string.Empty;
        var kind = 0;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (input.ReadTag() is var tag and not 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: traceId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 2: spanId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 4: parent = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 5: name = input.ReadString(); break;
                case 6: kind = input.ReadEnum(); break;
                case 9:
                    var (key, value) = ReadKeyValue(input.ReadBytes());
                    attributes[key] = value;
                    break;
                default: input.SkipLastField(); break;
            }
        }

        return new OtlpSpan(service, scope, traceId, spanId, parent, name, kind, attributes);
    }

    private static Dictionary<string, object?> ReadAttributes(ByteString bytes, int field)
    {
        var input = bytes.CreateCodedInput();
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (input.ReadTag() is var tag and not 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field)
            {
                var (key, value) = ReadKeyValue(input.ReadBytes());
                attributes[key] = value;
            }
            else
            {
                input.SkipLastField();
            }
        }

        return attributes;
    }

    private static (string Key, object? Value) ReadKeyValue(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        var key = string.Empty;
        object? value = null;
        while (input.ReadTag() is var tag and not 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: key = input.ReadString(); break;
                case 2: value = ReadAnyValue(input.ReadBytes()); break;
                default: input.SkipLastField(); break;
            }
        }

        return (key, value);
    }

    private static object? ReadAnyValue(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        object? value = null;
        while (input.ReadTag() is var tag and not 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: value = input.ReadString(); break;
                case 2: value = input.ReadBool(); break;
                case 3: value = input.ReadInt64(); break;
                case 4: value = input.ReadDouble(); break;
                case 5:
                    // ArrayValue { repeated AnyValue values = 1; }
                    var items = new List<object?>();
                    var array = input.ReadBytes().CreateCodedInput();
                    while (array.ReadTag() is var itemTag and not 0)
                    {
                        if (WireFormat.GetTagFieldNumber(itemTag) == 1)
                        {
                            items.Add(ReadAnyValue(array.ReadBytes()));
                        }
                        else
                        {
                            array.SkipLastField();
                        }
                    }

                    value = items;
                    break;
                default: input.SkipLastField(); break;
            }
        }

        return value;
    }
}
