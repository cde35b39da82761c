using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Suite.Contracts;
using Suite.Tokenizer.Core.Templates.Jinja;

namespace Suite.Tokenizer.Core.Templates;

/// <summary>
/// The model's own Jinja chat template, executed. It gets what transformers' <c>apply_chat_template</c> passes:
/// <c>messages</c> (OpenAI-shaped dicts), <c>tools</c> (or none), <c>documents</c> (none), <c>add_generation_prompt</c>,
/// the special tokens by name (<c>bos_token</c>...) and the extra keyword arguments. Tool-call arguments are a dict,
/// as transformers documents, except for templates that concatenate them into text (DeepSeek V3), which need the
/// JSON text OpenAI sends.
/// </summary>
public sealed class JinjaChatTemplate : IChatTemplate
{
    private const string ProbeTool = "suite_probe_tool_4c1d";
    private static readonly HashSet<string> _reserved = new(StringComparer.Ordinal) { "messages", "tools", "documents", "add_generation_prompt" };

    private readonly JinjaTemplate _template;
    private readonly IReadOnlyDictionary<string, string> _specialTokens;

    /// <exception cref="ChatTemplateNotSupportedException">The template cannot be parsed or uses a construct the interpreter lacks.</exception>
    public JinjaChatTemplate(string source, IReadOnlyDictionary<string, string> specialTokens, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(specialTokens);
        try
        {
            _template = new JinjaTemplate(source);
        }
        catch (JinjaSyntaxException e)
        {
            throw new ChatTemplateNotSupportedException($"The model's chat template is not supported: {e.Message}", e);
        }

        _specialTokens = specialTokens;
        Clock = clock ?? TimeProvider.System;
        ArgumentsAsText = ConcatenatesArguments(source);
        Reasons = Suite.Models.Chat.ChatTemplateTraits.Detect(source)?.Reasoning ?? false;
        Name = "jinja:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..8];
        RendersTools = Probe();
    }

    public string Name { get; }

    public string Source => _template.Source;

    public bool RendersTools { get; }

    public bool Reasons { get; }

    /// <summary>Whether tool-call arguments reach the template as JSON text (see the class summary) rather than a dict.</summary>
    public bool ArgumentsAsText { get; }

    /// <summary>The clock <c>strftime_now</c> reads (Llama 3.1's date line); injectable for tests.</summary>
    public TimeProvider Clock { get; init; }

    public string Render(ChatTemplateInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            return _template.Render(Variables(input), Clock);
        }
        catch (JinjaRuntimeException e)
        {
            throw new ChatTemplateException(e.Raised ? e.Message : $"The chat template failed on this conversation: {e.Message}", e);
        }
    }

    /// <summary>The variables the template sees for <paramref name="input"/>, as transformers builds them.</summary>
    public Dictionary<string, object?> Variables(ChatTemplateInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, text) in _specialTokens)
        {
            variables[name] = text;
        }

        foreach (var (name, value) in input.Kwargs ?? new Dictionary<string, JsonElement>())
        {
            if (_reserved.Contains(name))
            {
                throw new ChatTemplateException($"chat_template_kwargs may not set '{name}'.");
            }

            variables[name] = JinjaJson.FromElement(value);
        }

        variables["messages"] = input.Messages.Select(m => (object?)Message(m)).ToList();
        variables["tools"] = input.Tools is { Count: > 0 } tools ? tools.Select(t => (object?)Tool(t)).ToList() : null;
        variables["documents"] = null;
        variables["add_generation_prompt"] = input.AddGenerationPrompt;
        return variables;
    }

    private OrderedDictionary<string, object?> Message(ChatMessage message)
    {
        var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["role"] = message.Role,
            ["content"] = message.Content,
        };
        if (message.Name is not null)
        {
            dict["name"] = message.Name;
        }

        if (message.ReasoningContent is not null)
        {
            dict["reasoning_content"] = message.ReasoningContent;
        }

        if (message.ToolCalls is not null)
        {
            dict["tool_calls"] = message.ToolCalls.Select(call => (object?)new OrderedDictionary<string, object?>(StringComparer.Ordinal)
            {
                ["id"] = call.Id,
                ["type"] = call.Type,
                ["function"] = new OrderedDictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["name"] = call.Function.Name,
                    ["arguments"] = ArgumentsAsText ? call.Function.Arguments : ParseArguments(call.Function.Arguments),
                },
            }).ToList();
        }

        if (message.ToolCallId is not null)
        {
            dict["tool_call_id"] = message.ToolCallId;
        }

        return dict;
    }

    private static OrderedDictionary<string, object?> Tool(ToolDefinition tool)
    {
        var function = new OrderedDictionary<string, object?>(StringComparer.Ordinal) { ["name"] = tool.Function.Name };
        if (tool.Function.Description is not null)
        {
            function["description"] = tool.Function.Description;
        }

        if (tool.Function.ParametersJson is not null)
        {
            function["parameters"] = ParseJson(tool.Function.ParametersJson, "tools[].function.parameters");
        }

        if (tool.Function.Strict is { } strict)
        {
            function["strict"] = strict;
        }

        return new OrderedDictionary<string, object?>(StringComparer.Ordinal) { ["type"] = tool.Type, ["function"] = function };
    }

    /// <summary>Arguments as a dict, as vLLM passes them: empty text is {}, text that is not JSON stays text.</summary>
    private static object? ParseArguments(string arguments)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        }

        try
        {
            return JinjaJson.Parse(arguments);
        }
        catch (JsonException)
        {
            return arguments;
        }
    }

    private static object? ParseJson(string json, string what)
    {
        try
        {
            return JinjaJson.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ChatTemplateException($"{what} is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// Whether the template puts <c>.arguments</c> / <c>['arguments']</c> directly next to <c>+</c> or <c>~</c>: then it
    /// builds text from them and a dict would not work (Python refuses str + dict).
    /// </summary>
    private static bool ConcatenatesArguments(string source)
    {
        List<JinjaToken> tokens;
        try
        {
            tokens = JinjaLexer.Tokenize(source);
        }
        catch (JinjaSyntaxException)
        {
            return false;
        }

        static bool IsConcat(JinjaToken t) => t.IsOperator("+") || t.IsOperator("~");
        for (var i = 0; i < tokens.Count; i++)
        {
            var attribute = tokens[i].IsName("arguments") && i > 0 && tokens[i - 1].IsOperator(".");
            var item = tokens[i].Is(JinjaTokenKind.String, "arguments") && i > 0 && tokens[i - 1].IsOperator("[") && i + 1 < tokens.Count && tokens[i + 1].IsOperator("]");
            if (!attribute && !item)
            {
                continue;
            }

            var after = i + (item ? 2 : 1);
            if (after < tokens.Count && IsConcat(tokens[after]))
            {
                return true;
            }

            // Walk back over the access chain (names, dots, brackets, string keys) to what stands before it.
            var start = i - 1;
            while (start > 0 && (tokens[start - 1].Kind is JinjaTokenKind.Name or JinjaTokenKind.String
                || tokens[start - 1].IsOperator(".") || tokens[start - 1].IsOperator("[") || tokens[start - 1].IsOperator("]")))
            {
                start--;
            }

            if (start > 0 && IsConcat(tokens[start - 1]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Renders one user message with one tool: if the tool's name comes out, the template renders tools.</summary>
    private bool Probe()
    {
        var tool = new ToolDefinition("function", new FunctionDefinition(ProbeTool, "Probe", "{\"type\":\"object\",\"properties\":{}}"));
        try
        {
            return Render(new ChatTemplateInput([new ChatMessage("user", "hi")], true, [tool])).Contains(ProbeTool, StringComparison.Ordinal);
        }
        catch (ChatTemplateException)
        {
            return false;
        }
    }
}
