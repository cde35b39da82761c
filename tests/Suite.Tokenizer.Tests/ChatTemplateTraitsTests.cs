using System.Text.Json;
using Suite.Contracts;
using Suite.Models.Chat;

namespace Suite.Tokenizer.Tests;

/// <summary>The tool-call syntax and reasoning read from each family's official chat template (tokenizer_config.json).</summary>
public sealed class ChatTemplateTraitsTests
{
    [Theory]
    [InlineData("qwen3", ToolCallFormats.Hermes, true, false)]
    [InlineData("deepseek_v3", ToolCallFormats.DeepSeekV3, false, false)]
    [InlineData("llama3_1", null, false, false)]
    public void OfficialTemplates(string family, string? format, bool reasoning, bool startsInPrompt)
    {
        ReferenceEnvironment.RequireReference();
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(ReferenceEnvironment.ModelsDirectory(family), "tokenizer_config.json")));
        var features = ChatTemplateTraits.Detect(config.RootElement.GetProperty("chat_template").GetString());
        Assert.Equal(new ChatTemplateFeatures(format, reasoning, startsInPrompt), features);
    }

    [Fact]
    public void R1StyleGenerationPrompt_StartsInsideTheReasoning_AndV31IsTold()
    {
        const string r1 = "{% for m in messages %}{{ m.content }}{% endfor %}{% if add_generation_prompt %}{{'<｜Assistant｜><think>\\n'}}{% endif %}";
        Assert.Equal(new ChatTemplateFeatures(null, true, true), ChatTemplateTraits.Detect(r1));

        const string v31 = "{{'<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>' + tool['function']['name'] + '<｜tool▁sep｜>' + tool['function']['arguments'] + '<｜tool▁call▁end｜>'}}";
        Assert.Equal(ToolCallFormats.DeepSeekV31, ChatTemplateTraits.Detect(v31)!.ToolCallFormat);
        Assert.Null(ChatTemplateTraits.Detect(null));
    }
}
