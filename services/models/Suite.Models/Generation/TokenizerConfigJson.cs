using System.Text.Json;

namespace Suite.Models.Generation;

/// <summary>The parts of a Hugging Face <c>tokenizer_config.json</c> that both the GGUF writer and the tokenizer read.</summary>
public static class TokenizerConfigJson
{
    /// <summary>A special token's text: written as a string, or as an added-token object with <c>content</c>.</summary>
    public static string? TokenContent(JsonElement config, string property)
    {
        if (!config.TryGetProperty(property, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out var content) => content.GetString(),
            _ => null,
        };
    }

    /// <summary>The chat template: a string, or from a list of named templates the one named "default", as transformers takes.</summary>
    public static string? ChatTemplate(JsonElement config)
    {
        if (!config.TryGetProperty("chat_template", out var template))
        {
            return null;
        }

        if (template.ValueKind == JsonValueKind.String)
        {
            return template.GetString();
        }

        if (template.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in template.EnumerateArray())
            {
                if (item.TryGetProperty("name", out var name) && name.GetString() == "default")
                {
                    return item.GetProperty("template").GetString();
                }
            }
        }

        return null;
    }
}
