using Suite.Tokenizer.Core.Templates;

namespace Suite.Tokenizer.Tests;

/// <summary>
/// Each family's own chat template, executed by the suite's Jinja interpreter, against @huggingface/jinja rendering the
/// same template over the same conversations (system prompts, multi-turn, tool definitions, tool calls and results,
/// reasoning, add_generation_prompt, template kwargs): the same text, the same token ids, and the same refusals.
/// </summary>
public sealed class ChatTemplateReferenceTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(Families.Templated), MemberType = typeof(Families))]
    public void Render_EveryConversation_MatchesHuggingFaceJinja(string family)
    {
        var tokenizer = Families.Tokenizer(family);
        var template = Assert.IsType<JinjaChatTemplate>(tokenizer.ChatTemplate);
        var reference = ReferenceData.Templates(family);
        Assert.Equal(reference.ArgumentsAsText, template.ArgumentsAsText);
        var failures = new List<string>();
        int rendered = 0, refused = 0, notes = 0;
        foreach (var @case in reference.Cases)
        {
            string? actual = null;
            ChatTemplateException? error = null;
            try
            {
                actual = template.Render(@case.Input);
            }
            catch (ChatTemplateException e)
            {
                error = e;
            }

            if (@case.Rendered is { } expected)
            {
                rendered++;
                notes += @case.Note is null ? 0 : 1;
                if (actual != expected)
                {
                    failures.Add($"{@case.Name}: expected \"{TextEscaping.Escape(expected, 400)}\"\n  got \"{TextEscaping.Escape(actual ?? "(failed: " + error!.Message + ")", 400)}\"");
                }
                else if (!tokenizer.Encode(actual, addSpecialTokens: false).AsSpan().SequenceEqual(@case.Ids))
                {
                    failures.Add($"{@case.Name}: same text, different token ids");
                }
            }
            else
            {
                refused++;
                if (error is null)
                {
                    failures.Add($"{@case.Name}: the reference failed ({@case.Raised ?? @case.Error}) but the suite rendered \"{TextEscaping.Escape(actual!, 200)}\"");
                }
                else if (@case.Raised is { } raised && error.Message != raised)
                {
                    failures.Add($"{@case.Name}: the template raised \"{raised}\" in the reference, \"{error.Message}\" here");
                }
            }
        }

        output.WriteLine($"{family}: {reference.Cases.Count} conversations, {rendered} rendered ({notes} by Python's semantics where @huggingface/jinja fails), {refused} refused by the template; tools rendered: {template.RendersTools}, reasoning: {template.Reasons}, tool-call arguments as {(template.ArgumentsAsText ? "text" : "dicts")}");
        Assert.True(failures.Count == 0, $"{failures.Count} conversations differ:\n" + string.Join("\n", failures.Take(6)));
    }

    [Fact]
    public void Templates_SayWhichRenderToolsAndWhichReason()
    {
        Assert.True(Families.Tokenizer("qwen3").ChatTemplate!.RendersTools);
        Assert.True(Families.Tokenizer("qwen3").ChatTemplate!.Reasons);
        foreach (var family in new[] { "deepseek_v3", "llama3", "llama3_1", "gemma3" })
        {
            // DeepSeek V3's template renders tool calls and results, but never the tool definitions.
            Assert.False(Families.Tokenizer(family).ChatTemplate!.RendersTools, family);
            Assert.False(Families.Tokenizer(family).ChatTemplate!.Reasons, family);
        }

        Assert.Null(Families.Tokenizer("llama2").ChatTemplate);
    }
}
