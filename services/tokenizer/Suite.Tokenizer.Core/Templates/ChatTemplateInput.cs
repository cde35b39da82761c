using System.Text.Json;
using Suite.Contracts;

namespace Suite.Tokenizer.Core.Templates;

/// <summary>
/// What a chat template renders: the conversation, the tool definitions, whether to open the assistant's turn, and
/// extra template variables (vLLM's <c>chat_template_kwargs</c>, e.g. Qwen3's <c>enable_thinking</c>) as JSON values.
/// </summary>
public sealed record ChatTemplateInput(
    IReadOnlyList<ChatMessage> Messages,
    bool AddGenerationPrompt = true,
    IReadOnlyList<ToolDefinition>? Tools = null,
    IReadOnlyDictionary<string, JsonElement>? Kwargs = null);
