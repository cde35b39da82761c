using Suite.Contracts;

namespace Suite.Models.Chat;

/// <summary>
/// Reads a chat template's source for the features in <see cref="ChatTemplateFeatures"/>: the markers of each tool-call
/// syntax the template writes for an assistant's <c>tool_calls</c>, and the <c>&lt;think&gt;</c> blocks of reasoning
/// models. vLLM makes operators name the parser per model (<c>--tool-call-parser</c>, <c>--reasoning-parser</c>); the
/// template already says which syntax the model was trained on, so it is read from there.
/// </summary>
public static class ChatTemplateTraits
{
    public static ChatTemplateFeatures? Detect(string? template)
    {
        if (string.IsNullOrEmpty(template))
        {
            return null;
        }

        var reasoning = template.Contains("<think>", StringComparison.Ordinal) || template.Contains("</think>", StringComparison.Ordinal)
            || template.Contains("reasoning_content", StringComparison.Ordinal);
        return new ChatTemplateFeatures(DetectToolCallFormat(template), reasoning, reasoning && GenerationPromptOpensThinking(template));
    }

    private static string? DetectToolCallFormat(string template)
    {
        if (template.Contains("<｜tool▁calls▁begin｜>", StringComparison.Ordinal) || template.Contains("<｜tool▁call▁begin｜>", StringComparison.Ordinal))
        {
            // V3 and R1 write the call's type and a fenced JSON block; V3.1 writes the name, the separator and the JSON.
            return template.Contains("```json", StringComparison.Ordinal) ? ToolCallFormats.DeepSeekV3 : ToolCallFormats.DeepSeekV31;
        }

        if (template.Contains("<tool_call>", StringComparison.Ordinal))
        {
            return ToolCallFormats.Hermes;
        }

        if (template.Contains("<|python_tag|>", StringComparison.Ordinal)
            || (template.Contains("\"parameters\"", StringComparison.Ordinal) && template.Contains("ipython", StringComparison.Ordinal)))
        {
            return ToolCallFormats.Llama3Json;
        }

        return null;
    }

    /// <summary>
    /// Whether the text the template writes for <c>add_generation_prompt</c> opens a <c>&lt;think&gt;</c> block it does
    /// not close (DeepSeek-R1-0528 ends the prompt with <c>&lt;｜Assistant｜&gt;&lt;think&gt;\n</c>; Qwen3 writes a closed,
    /// empty block only when thinking is switched off).
    /// </summary>
    private static bool GenerationPromptOpensThinking(string template)
    {
        var at = template.LastIndexOf("add_generation_prompt", StringComparison.Ordinal);
        if (at < 0)
        {
            return false;
        }

        var tail = template[at..];
        return tail.Contains("<think>", StringComparison.Ordinal) && !tail.Contains("</think>", StringComparison.Ordinal);
    }
}
