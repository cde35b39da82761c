using System.Text.Json;
using Suite.Contracts;
using Suite.Tokenizer.Core.Templates;

namespace Suite.Tokenizer.Tests;

/// <summary>One family's chat template rendered by @huggingface/jinja over conversations.js (templates.js).</summary>
internal sealed record TemplateReference(bool ArgumentsAsText, IReadOnlyList<TemplateCase> Cases)
{
    public static TemplateReference Parse(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        var conversations = root.GetProperty("conversations").EnumerateArray().ToList();
        var results = root.GetProperty("results").EnumerateArray().ToList();
        var cases = new List<TemplateCase>();
        for (var i = 0; i < conversations.Count; i++)
        {
            var result = results[i];
            cases.Add(new TemplateCase(
                conversations[i].GetProperty("name").GetString()!,
                Input(conversations[i]),
                result.TryGetProperty("rendered", out var rendered) ? rendered.GetString() : null,
                result.TryGetProperty("ids", out var ids) ? ids.EnumerateArray().Select(x => x.GetInt32()).ToArray() : null,
                result.TryGetProperty("raised", out var raised) ? raised.GetString() : null,
                result.TryGetProperty("error", out var error) ? error.GetString() : null,
                result.TryGetProperty("note", out var note) ? note.GetString() : null));
        }

        return new TemplateReference(root.GetProperty("arguments_as_text").GetBoolean(), cases);
    }

    /// <summary>A conversations.js item (OpenAI's shape) as the suite's contracts carry it.</summary>
    private static ChatTemplateInput Input(JsonElement conversation)
    {
        static string? Text(JsonElement parent, string name) =>
            parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        var messages = conversation.GetProperty("messages").EnumerateArray().Select(m => new ChatMessage(
            m.GetProperty("role").GetString()!,
            Text(m, "content"),
            Text(m, "name"),
            m.TryGetProperty("tool_calls", out var calls)
                ? calls.EnumerateArray().Select(c => new ToolCall(
                    c.GetProperty("id").GetString()!,
                    c.GetProperty("type").GetString()!,
                    new ToolCallFunction(c.GetProperty("function").GetProperty("name").GetString()!, c.GetProperty("function").GetProperty("arguments").GetString()!))).ToList()
                : null,
            Text(m, "tool_call_id"),
            Text(m, "reasoning_content"))).ToList();
        var toolsElement = conversation.GetProperty("tools");
        List<ToolDefinition>? tools = toolsElement.ValueKind == JsonValueKind.Array
            ? toolsElement.EnumerateArray().Select(t =>
            {
                var function = t.GetProperty("function");
                return new ToolDefinition(t.GetProperty("type").GetString()!, new FunctionDefinition(
                    function.GetProperty("name").GetString()!,
                    Text(function, "description"),
                    function.TryGetProperty("parameters", out var parameters) ? parameters.GetRawText() : null));
            }).ToList()
            : null;
        var kwargs = conversation.GetProperty("kwargs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
        return new ChatTemplateInput(messages, conversation.GetProperty("add_generation_prompt").GetBoolean(), tools, kwargs);
    }
}
