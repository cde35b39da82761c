using System.Security.Cryptography;
using System.Text;
using Suite.Contracts;
using Suite.Models.Generation;
using Suite.Models.Gguf;

namespace Suite.Models.Catalog;

/// <summary>
/// Resolves the model to serve: the file SUITE_MODEL names, or a generated smoke-test model cached under a name that
/// encodes spec, vocabulary and format version (a changed spec gets a new file). Generation writes a temporary file and
/// renames it into place, so concurrent processes never see a partial file; the loser of a race just discards its copy.
/// </summary>
public static class ModelCatalog
{
    public static ResolvedModel Resolve(ModelCatalogSettings settings, SmokeModelSpec? spec = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.ModelPath is { } modelPath)
        {
            if (!File.Exists(modelPath))
            {
                throw new FileNotFoundException($"SUITE_MODEL points to '{modelPath}', which does not exist.", modelPath);
            }

            var id = settings.ModelId ?? Path.GetFileNameWithoutExtension(modelPath);
            return new ResolvedModel(Path.GetFullPath(modelPath), Describe(modelPath, id), Generated: false);
        }

        spec ??= new SmokeModelSpec();
        var vocabulary = settings.TokenizerPath is { } tokenizerPath
            ? HuggingFaceVocabulary.Load(tokenizerPath, settings.TokenizerPre)
            : Gpt2Vocabulary.Load();
        var cache = settings.CacheDirectory ?? ModelCatalogSettings.DefaultCacheDirectory;
        var path = EnsureGenerated(spec, vocabulary, cache);
        var modelId = settings.ModelId
            ?? (vocabulary.Name == "gpt2" ? SmokeModelGenerator.DefaultModelId : $"{SmokeModelGenerator.DefaultModelId}-{vocabulary.Name}");
        return new ResolvedModel(path, Describe(path, modelId), Generated: true);
    }

    /// <summary>The cache file name for a spec and vocabulary: readable fields plus a hash of everything.</summary>
    public static string CacheFileName(SmokeModelSpec spec, SmokeVocabulary vocabulary)
    {
        var key = $"v{SmokeModelGenerator.FormatVersion}|{spec.CanonicalText}|{vocabulary.Fingerprint}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..12];
        return $"suite-smoke-{vocabulary.Name}-e{spec.EmbeddingLength}-l{spec.LayerCount}-{spec.WeightType.ToString().ToLowerInvariant()}"
            + $"-v{SmokeModelGenerator.FormatVersion}-{hash}.gguf";
    }

    /// <summary>Generates the model into <paramref name="cacheDirectory"/> unless it is already there; returns its path.</summary>
    public static string EnsureGenerated(SmokeModelSpec spec, SmokeVocabulary vocabulary, string cacheDirectory)
    {
        Directory.CreateDirectory(cacheDirectory);
        var path = Path.Combine(cacheDirectory, CacheFileName(spec, vocabulary));
        if (File.Exists(path))
        {
            return path;
        }

        var temp = Path.Combine(cacheDirectory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            SmokeModelGenerator.Generate(spec, vocabulary, temp);
            try
            {
                // Same bytes whoever wins, so losing the race is harmless; never overwrite a file another process may be mapping.
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
            }
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }

        return path;
    }

    /// <summary>Describes a GGUF file from its header.</summary>
    public static ModelDescription Describe(string path, string modelId)
    {
        var file = GgufReader.Read(path);
        var smoke = file.Metadata.TryGetValue("suite.smoke_test", out var s) && s is true;
        var vocabularySize = file.GetArray<string>("tokenizer.ggml.tokens")?.Length ?? 0;
        var description = file.GetString("general.description") ?? file.GetString("general.name") ?? Path.GetFileName(path);
        return new ModelDescription(
            Id: modelId,
            OwnedBy: smoke ? "suite (smoke test)" : "local",
            ContextLength: file.ContextLength ?? 0,
            VocabularySize: vocabularySize,
            SmokeTestModel: smoke,
            Description: description,
            CreatedAt: new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero),
            Chat: Suite.Models.Chat.ChatTemplateTraits.Detect(file.GetString("tokenizer.chat_template")));
    }
}
