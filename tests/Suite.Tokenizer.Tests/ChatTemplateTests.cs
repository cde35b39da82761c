using Suite.Contracts;
using Suite.Tokenizer.Core.Chat;

namespace Suite.Tokenizer.Tests;

/// <summary>Template detection and the renderings that do not need the reference.</summary>
public sealed class ChatTemplateTests
{
    [Fact]
    public void NullOrEmptyTemplateMeansNone()
    {
        Assert.Null(ChatTemplates.FromTemplateString(null, null, null));
        Assert.Null(ChatTemplates.FromTemplateString("  ", null, null));
    }

    [Fact]
    public void UnknownTemplateThrowsQuotingItsStart()
    {
        var error = Assert.Throws<NotSupportedException>(() =>
            ChatTemplates.FromTemplateString("{% for m in messages %}[INST] {{ m['content'] }} [/INST]{% endfor %}", "<s>", "</s>"));
        Assert.Contains("{% for m in messages %}[INST]", error.Message);
    }

    [Fact]
    public void DeepSeekR1DropsEarlierReasoningAndOpensThinking()
    {
        const string r1 = "{{bos_token}}{% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}" +
            "{{'<｜User｜>' + message['content']}}{{'<｜Assistant｜><think>\\n'}}";
        var template = ChatTemplates.FromTemplateString(r1, "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>");
        Assert.NotNull(template);
        Assert.Equal("deepseek-r1", template.Name);
        Assert.Equal(
            "<｜begin▁of▁sentence｜>sys<｜User｜>q<｜Assistant｜>answer<｜end▁of▁sentence｜><｜User｜>q2<｜Assistant｜><think>\n",
            template.Render(
                [new ChatMessage("system", "sys"), new ChatMessage("user", "q"), new ChatMessage("assistant", "<think>hmm</think>answer"), new ChatMessage("user", "q2")],
                addGenerationPrompt: true));
    }

    [Fact]
    public void UnknownRoleIsAnArgumentException()
    {
        var template = ChatTemplates.FromTemplateString("<|im_start|>", null, null)!;
        Assert.Throws<ArgumentException>(() => template.Render([new ChatMessage("narrator", "x")], false));
    }
}
