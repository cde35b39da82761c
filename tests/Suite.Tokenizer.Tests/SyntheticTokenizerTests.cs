using Suite.Contracts;
using Suite.Tokenizer.Core.Templates;

namespace Suite.Tokenizer.Tests;

/// <summary>Loading Qwen- and Llama-3-shaped tokenizer.json files: structure, added tokens, BOS, normalization.</summary>
public sealed class SyntheticTokenizerTests
{
    [Fact]
    public void QwenStyleSplitsDigitsOneByOneMatchesAddedTokensAndNormalizesNfc()
    {
        var tokenizer = SyntheticTokenizers.Qwen();
        var hello = SyntheticTokenizers.WordId(tokenizer, "hello");
        var world = SyntheticTokenizers.WordId(tokenizer, " world");
        Assert.Equal([hello, world], tokenizer.Encode("hello world", addSpecialTokens: true));

        // Qwen2's pattern isolates every digit, so the "123" merge chain never applies.
        Assert.Equal(["1", "2", "3"], tokenizer.Encode("123", false).Select(id => tokenizer.IdToToken(id)));

        // Special and non-special added tokens are matched verbatim, longest first.
        var ids = tokenizer.Encode("<|im_start|>hello<tool_call><|im_end|>", false);
        Assert.Equal([1001, hello, 1003, 1002], ids);

        // NFC: e + combining acute is the same as the precomposed é.
        Assert.Equal(tokenizer.Encode("\u00E9", false), tokenizer.Encode("e\u0301", false));
        Assert.Single(tokenizer.Encode("\u00E9", false));

        Assert.Equal("hello<tool_call>", tokenizer.Decode(ids, skipSpecialTokens: true));
        Assert.Equal("<|im_start|>hello<tool_call><|im_end|>", tokenizer.Decode(ids, skipSpecialTokens: false));
    }

    [Fact]
    public void QwenStyleChatTemplateAddsTheDefaultSystemMessage()
    {
        var template = SyntheticTokenizers.Qwen().ChatTemplate;
        Assert.NotNull(template);
        Assert.Equal(
            "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n" +
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
            template.Render(new ChatTemplateInput([new ChatMessage("user", "Hi")], AddGenerationPrompt: true)));
        Assert.Equal(
            "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nYo<|im_end|>\n",
            template.Render(new ChatTemplateInput([new ChatMessage("system", "S"), new ChatMessage("user", "Hi"), new ChatMessage("assistant", "Yo")], false)));
    }

    [Fact]
    public void Llama3StyleAddsBosFromTemplateProcessingAndHonoursIgnoreMerges()
    {
        var tokenizer = SyntheticTokenizers.Llama3();
        var hello = SyntheticTokenizers.WordId(tokenizer, "hello");
        Assert.Equal([1000, hello], tokenizer.Encode("hello", addSpecialTokens: true));
        Assert.Equal([hello], tokenizer.Encode("hello", addSpecialTokens: false));

        // "xyz" has no merges, but ignore_merges emits a word that is itself a token whole.
        Assert.Equal([SyntheticTokenizers.WordId(tokenizer, "xyz")], tokenizer.Encode("xyz", false));

        // \p{N}{1,3}: "12345" is "123" + "4" "5".
        Assert.Equal(["123", "4", "5"], tokenizer.Encode("12345", false).Select(id => tokenizer.IdToToken(id)));
    }

    [Fact]
    public void Llama3StyleChatTemplate()
    {
        var template = SyntheticTokenizers.Llama3().ChatTemplate;
        Assert.NotNull(template);
        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
            template.Render(new ChatTemplateInput([new ChatMessage("system", " Be brief.\n"), new ChatMessage("user", "Hi")], AddGenerationPrompt: true)));
    }
}
