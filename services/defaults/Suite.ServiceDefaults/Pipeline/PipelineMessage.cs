using System.Text.Json;

namespace Suite.ServiceDefaults.Pipeline;

/// <summary>How pipeline messages are written on every transport: the contract's full name as the type, System.Text.Json with web defaults as the body.</summary>
public static class PipelineMessage
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public static string TypeName(Type type) => type.FullName ?? type.Name;
}
