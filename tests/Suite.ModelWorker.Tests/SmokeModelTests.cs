using System.Security.Cryptography;
using System.Text;
using LLama;
using LLama.Native;
using Suite.Models.Catalog;
using Suite.Models.Generation;
using Suite.Models.Gguf;

namespace Suite.ModelWorker.Tests;

public sealed class SmokeModelTests(SmokeModelFixture fixture)
{
    [Fact]
    public void Generate_SameSpec_IdenticalBytes()
    {
        using var again = new MemoryStream();
        SmokeModelGenerator.Generate(new SmokeModelSpec(), Gpt2Vocabulary.Load(), again);

        var cached = File.ReadAllBytes(fixture.Model.Path);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(cached)), Convert.ToHexString(SHA256.HashData(again.ToArray())));
    }

    [Fact]
    public void Generate_Default_HeaderSaysSmokeTestAndCarriesVocabulary()
    {
        var file = GgufReader.Read(fixture.Model.Path);

        Assert.Equal("llama", file.Architecture);
        Assert.Equal(4096, file.ContextLength);
        Assert.Contains("random weights, meaningless output", file.GetString("general.name"));
        Assert.Contains("SUITE_MODEL=/path/to/model.gguf", file.GetString("general.description"));
        Assert.Equal("gpt2", file.GetString("tokenizer.ggml.model"));
        Assert.Equal("gpt-2", file.GetString("tokenizer.ggml.pre"));
        var tokens = file.GetArray<string>("tokenizer.ggml.tokens")!;
        Assert.Equal(50259, tokens.Length);
        Assert.Equal(["<|endoftext|>", "<|im_start|>", "<|im_end|>"], tokens[^3..]);
        Assert.Equal("Ġthe", tokens[262]);
        var types = file.GetArray<int>("tokenizer.ggml.token_type")!;
        Assert.Equal([1, 3, 3, 3], types[^4..]);
        var merges = file.GetArray<string>("tokenizer.ggml.merges")!;
        Assert.Equal(50000, merges.Length);
        Assert.Equal("Ġ t", merges[0]);
        Assert.Equal(50256L, file.GetInteger("tokenizer.ggml.bos_token_id"));
        Assert.Equal(50258L, file.GetInteger("tokenizer.ggml.eos_token_id"));
        Assert.Equal(false, file.Metadata["tokenizer.ggml.add_bos_token"]);
        Assert.Contains("<|im_start|>", file.GetString("tokenizer.chat_template"));
        var embedding = file.Tensors.Single(t => t.Name == "token_embd.weight");
        Assert.Equal([128L, 50259L], embedding.Shape);
        Assert.Equal([128L, 64L], file.Tensors.Single(t => t.Name == "blk.0.attn_k.weight").Shape);
        Assert.Equal([384L, 128L], file.Tensors.Single(t => t.Name == "blk.1.ffn_down.weight").Shape);
    }

    [Fact]
    public void ChatTemplate_LlamaCppAppliesIt_ChatMlPrompt()
    {
        var parameters = LLamaModelParams.Default();
        parameters.vocab_only = true;
        using var model = SafeLlamaModelHandle.LoadFromFile(fixture.Model.Path, parameters);
        var template = new LLamaTemplate(model) { AddAssistant = true };
        template.Add("system", "Be brief.");
        template.Add("user", "Hi");

        var text = Encoding.UTF8.GetString(template.Apply());

        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", text);
    }

    [Fact]
    public void Resolve_NoModelPath_DescribesSmokeModel()
    {
        var description = fixture.Model.Description;

        Assert.True(fixture.Model.Generated);
        Assert.Equal("suite-smoke", description.Id);
        Assert.True(description.SmokeTestModel);
        Assert.Equal(4096, description.ContextLength);
        Assert.Equal(50259, description.VocabularySize);
        Assert.StartsWith(fixture.CacheDirectory, fixture.Model.Path);
    }

    [Fact]
    public void Resolve_Twice_ReusesCachedFile()
    {
        var before = File.GetLastWriteTimeUtc(fixture.Model.Path);

        var again = ModelCatalog.Resolve(new ModelCatalogSettings { CacheDirectory = fixture.CacheDirectory });

        Assert.Equal(fixture.Model.Path, again.Path);
        Assert.Equal(before, File.GetLastWriteTimeUtc(again.Path));
        Assert.Empty(Directory.GetFiles(fixture.CacheDirectory, "*.tmp"));
    }

    [Fact]
    public void Resolve_ModelPathSet_ServesFileWithFileNameAsId()
    {
        var resolved = ModelCatalog.Resolve(new ModelCatalogSettings { ModelPath = fixture.Model.Path });
        var named = ModelCatalog.Resolve(new ModelCatalogSettings { ModelPath = fixture.Model.Path, ModelId = "my-model" });

        Assert.False(resolved.Generated);
        Assert.Equal(Path.GetFileNameWithoutExtension(fixture.Model.Path), resolved.Description.Id);
        Assert.Equal("my-model", named.Description.Id);
    }

    [Fact]
    public void Resolve_ModelPathMissing_ThrowsNamingSetting()
    {
        var error = Assert.Throws<FileNotFoundException>(
            () => ModelCatalog.Resolve(new ModelCatalogSettings { ModelPath = "/nonexistent/model.gguf" }));

        Assert.Contains("SUITE_MODEL", error.Message);
    }

    [Fact]
    public void FromVariables_Environment_ReadsContract()
    {
        var values = new Dictionary<string, string>
        {
            ["SUITE_MODEL"] = "/m.gguf",
            ["SUITE_MODEL_ID"] = "id",
            ["SUITE_MODEL_CACHE"] = "/cache",
            ["SUITE_TOKENIZER"] = "/t.json",
            ["SUITE_TOKENIZER_PRE"] = "qwen2",
        };

        var settings = ModelCatalogSettings.FromVariables(k => values.GetValueOrDefault(k));

        Assert.Equal(new ModelCatalogSettings
        {
            ModelPath = "/m.gguf",
            ModelId = "id",
            CacheDirectory = "/cache",
            TokenizerPath = "/t.json",
            TokenizerPre = "qwen2",
        }, settings);
    }

    [Fact]
    public void CacheFileName_ChangedSpec_Differs()
    {
        var vocabulary = Gpt2Vocabulary.Load();

        var standard = ModelCatalog.CacheFileName(new SmokeModelSpec(), vocabulary);
        var changed = ModelCatalog.CacheFileName(new SmokeModelSpec { Seed = 7 }, vocabulary);

        Assert.NotEqual(standard, changed);
        Assert.Contains($"-v{SmokeModelGenerator.FormatVersion}-", standard);
    }

    [Fact]
    public async Task EnsureGenerated_TwoRacingCallers_OneCompleteFile()
    {
        var directory = Path.Combine(fixture.CacheDirectory, "race");
        var spec = new SmokeModelSpec { EmbeddingLength = 32, HeadCount = 2, HeadCountKv = 1, FeedForwardLength = 64 };
        var vocabulary = Gpt2Vocabulary.Load();

        var paths = await Task.WhenAll(
            Task.Run(() => ModelCatalog.EnsureGenerated(spec, vocabulary, directory)),
            Task.Run(() => ModelCatalog.EnsureGenerated(spec, vocabulary, directory)));

        Assert.Equal(paths[0], paths[1]);
        Assert.Single(Directory.GetFiles(directory));
        Assert.Equal(50259, GgufReader.Read(paths[0]).GetArray<string>("tokenizer.ggml.tokens")!.Length);
    }
}
