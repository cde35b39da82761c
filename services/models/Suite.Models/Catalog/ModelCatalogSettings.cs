namespace Suite.Models.Catalog;

/// <summary>
/// The model configuration contract. <see cref="ModelPath"/> (SUITE_MODEL) serves that file; without it a smoke-test
/// model is generated once into <see cref="CacheDirectory"/> (SUITE_MODEL_CACHE, default ~/.cache/suite/models) with
/// GPT-2's vocabulary, or the Hugging Face vocabulary at <see cref="TokenizerPath"/> (SUITE_TOKENIZER).
/// </summary>
public sealed record ModelCatalogSettings
{
    public string? ModelPath { get; init; }

    /// <summary>SUITE_MODEL_ID: the served model's ID; defaults to the file name without extension, or suite-smoke.</summary>
    public string? ModelId { get; init; }

    public string? CacheDirectory { get; init; }

    public string? TokenizerPath { get; init; }

    /// <summary>SUITE_TOKENIZER_PRE: llama.cpp pre-tokenizer name for a Hugging Face vocabulary; detected when unset.</summary>
    public string? TokenizerPre { get; init; }

    /// <summary>The default cache folder: ~/.cache/suite/models.</summary>
    public static string DefaultCacheDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "suite", "models");

    public static ModelCatalogSettings FromEnvironment() => FromVariables(Environment.GetEnvironmentVariable);

    /// <summary>Reads the settings through <paramref name="get"/> (environment variables or configuration keys).</summary>
    public static ModelCatalogSettings FromVariables(Func<string, string?> get) => new()
    {
        ModelPath = NullIfBlank(get("SUITE_MODEL")),
        ModelId = NullIfBlank(get("SUITE_MODEL_ID")),
        CacheDirectory = NullIfBlank(get("SUITE_MODEL_CACHE")),
        TokenizerPath = NullIfBlank(get("SUITE_TOKENIZER")),
        TokenizerPre = NullIfBlank(get("SUITE_TOKENIZER_PRE")),
    };

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
