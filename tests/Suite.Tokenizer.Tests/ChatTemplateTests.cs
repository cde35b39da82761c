using System.Text.Json;
using Suite.Contracts;
using Suite.Tokenizer.Core.Templates;

namespace Suite.Tokenizer.Tests;

/// <summary>What a chat template receives from the suite's contracts, and what it tells the service about itself.</summary>
public sealed class ChatTemplateTests
{
    private static readonly Dictionary<string, string> _specials = new() { ["bos_token"] = "<s>", ["eos_token"] = "</s>" };

    [Fact]
    public void Create_NoTemplate_GivesNone()
    {
        Assert.Null(ChatTemplateFactory.Create(new Core.Bpe.ChatTemplateSource(null, _specials)));
        Assert.Null(ChatTemplateFactory.Create(new Core.Bpe.ChatTemplateSource("  ", _specials)));
    }

    [Fact]
    public void Create_UnsupportedConstruct_FailsAtLoadNamingIt()
    {
        var error = Assert.Throws<ChatTemplateNotSupportedException>(() =>
            new JinjaChatTemplate("{% for m in messages %}\n{{ m.content | wordwrap(10) }}{% endfor %}", _specials));
        Assert.Contains("wordwrap", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PassesMessagesSpecialTokensAndGenerationPrompt()
    {
        var template = new JinjaChatTemplate(
            "{{ bos_token }}{% for m in messages %}[{{ m.role }}:{{ m.content }}{% if m.name is defined %}({{ m.name }}){% endif %}]{% endfor %}{% if add_generation_prompt %}>{% endif %}{{ tools is none }}{{ documents is none }}",
            _specials);
        Assert.Equal("<s>[system:S][user:Q(alice)]>TrueTrue", template.Render(new ChatTemplateInput([new ChatMessage("system", "S"), new ChatMessage("user", "Q", "alice")], true)));
        Assert.Equal("<s>[user:Q]TrueTrue", template.Render(new ChatTemplateInput([new ChatMessage("user", "Q")], false)));
    }

    [Fact]
    public void Render_ToolCallArguments_AreADictUnlessTheTemplateConcatenatesThem()
    {
        var call = new ToolCall("c1", "function", new ToolCallFunction("get", "{\"city\": \"Paris\", \"days\": 2}"));
        var input = new ChatTemplateInput([new ChatMessage("assistant", null, ToolCalls: [call])]);

        var dict = new JinjaChatTemplate("{% for c in messages[0].tool_calls %}{{ c.function.arguments.city }}|{{ c.function.arguments | tojson }}{% endfor %}", _specials);
        Assert.False(dict.ArgumentsAsText);
        Assert.Equal("Paris|{\"city\": \"Paris\", \"days\": 2}", dict.Render(input));

        var text = new JinjaChatTemplate("{% for c in messages[0].tool_calls %}{{ '```json\\n' + c['function']['arguments'] + '\\n```' }}{% endfor %}", _specials);
        Assert.True(text.ArgumentsAsText);
        Assert.Equal("```json\n{\"city\": \"Paris\", \"days\": 2}\n```", text.Render(input));
    }

    [Fact]
    public void Render_ToolsAndReasoning_ReachTheTemplateAsHuggingFacePassesThem()
    {
        var tool = new ToolDefinition("function", new FunctionDefinition("search", "Find things.", "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}", Strict: true));
        var template = new JinjaChatTemplate("{{ tools[0] | tojson }}|{{ messages[0].reasoning_content }}|{{ messages[1].tool_call_id }}", _specials);
        Assert.Equal(
            "{\"type\": \"function\", \"function\": {\"name\": \"search\", \"description\": \"Find things.\", \"parameters\": {\"type\": \"object\", \"properties\": {\"q\": {\"type\": \"string\"}}}, \"strict\": true}}|thought|c9",
            template.Render(new ChatTemplateInput([new ChatMessage("assistant", "a", ReasoningContent: "thought"), new ChatMessage("tool", "r", ToolCallId: "c9")], true, [tool])));
    }

    [Fact]
    public void Render_Kwargs_BecomeTemplateVariables_ButNotTheReservedOnes()
    {
        var template = new JinjaChatTemplate("{% if enable_thinking is defined and enable_thinking is false %}no-think{% endif %}{{ extra.level }}", _specials);
        var kwargs = new Dictionary<string, JsonElement>
        {
            ["enable_thinking"] = JsonDocument.Parse("false").RootElement,
            ["extra"] = JsonDocument.Parse("{\"level\": 3}").RootElement,
        };
        Assert.Equal("no-think3", template.Render(new ChatTemplateInput([new ChatMessage("user", "x")], true, null, kwargs)));
        var reserved = new Dictionary<string, JsonElement> { ["messages"] = JsonDocument.Parse("[]").RootElement };
        Assert.Throws<ChatTemplateException>(() => template.Render(new ChatTemplateInput([new ChatMessage("user", "x")], true, null, reserved)));
    }

    [Fact]
    public void RendersTools_IsTrueOnlyWhenToolDefinitionsReachTheOutput()
    {
        Assert.True(new JinjaChatTemplate("{% for t in tools or [] %}{{ t.function.name }}{% endfor %}", _specials).RendersTools);
        Assert.False(new JinjaChatTemplate("{% for m in messages %}{{ m.content }}{% endfor %}", _specials).RendersTools);

        // A template that refuses every conversation renders nothing, tools included.
        Assert.False(new JinjaChatTemplate("{{ raise_exception('no') }}{{ tools }}", _specials).RendersTools);
    }

    [Fact]
    public void Reasons_IsTrueForTemplatesThatHandleThinking()
    {
        Assert.True(new JinjaChatTemplate("{{ '<think>\\n' }}", _specials).Reasons);
        Assert.True(new JinjaChatTemplate("{{ messages[0].reasoning_content }}", _specials).Reasons);
        Assert.False(new JinjaChatTemplate("{{ messages[0].content }}", _specials).Reasons);
    }

    [Fact]
    public void Render_TemplateFailure_IsAClientErrorWithTheTemplatesMessage()
    {
        var template = new JinjaChatTemplate("{% if messages[0].role != 'user' %}{{ raise_exception('Conversations must start with a user turn.') }}{% endif %}ok", _specials);
        Assert.Equal("Conversations must start with a user turn.", Assert.Throws<ChatTemplateException>(() => template.Render(new ChatTemplateInput([new ChatMessage("assistant", "x")]))).Message);
        Assert.Contains("failed", Assert.Throws<ChatTemplateException>(() => new JinjaChatTemplate("{{ messages[0].content.upper() }}", _specials)
            .Render(new ChatTemplateInput([new ChatMessage("assistant", null)]))).Message, StringComparison.Ordinal);
    }
}
