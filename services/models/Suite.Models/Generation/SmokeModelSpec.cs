using System.Globalization;
using Suite.Models.Gguf;

namespace Suite.Models.Generation;

/// <summary>
/// The shape of a generated llama-architecture smoke-test model. Defaults: 128-wide, 2 layers, 4 heads (2 KV heads),
/// 384-wide feed-forward, 4,096 context, F32 weights.
/// </summary>
public sealed record SmokeModelSpec
{
    public int EmbeddingLength { get; init; } = 128;

    public int LayerCount { get; init; } = 2;

    public int HeadCount { get; init; } = 4;

    public int HeadCountKv { get; init; } = 2;

    public int FeedForwardLength { get; init; } = 384;

    public int ContextLength { get; init; } = 4096;

    public float RopeFreqBase { get; init; } = 10000f;

    public float RmsNormEpsilon { get; init; } = 1e-5f;

    /// <summary>Type of the 2-D weights (norms stay F32). Q8_0 needs widths that are multiples of 32.</summary>
    public GgmlType WeightType { get; init; } = GgmlType.F32;

    public ulong Seed { get; init; } = 0x5EED_2026UL;

    /// <summary>
    /// Standard deviation of the output logits. Large on purpose: the top-1/top-2 gap is then several units, so greedy
    /// decoding does not flip on the ~1e-3 differences between a sequence decoded alone and inside a batch.
    /// </summary>
    public float LogitScale { get; init; } = 40f;

    /// <summary>How strongly the attention and feed-forward blocks perturb the residual stream (0 = next token depends only on the current one).</summary>
    public float ResidualScale { get; init; } = 0.3f;

    public int HeadDimension => EmbeddingLength / HeadCount;

    /// <summary>Checks the shape is one llama.cpp can load.</summary>
    public void Validate()
    {
        if (EmbeddingLength <= 0 || LayerCount <= 0 || HeadCount <= 0 || HeadCountKv <= 0 || FeedForwardLength <= 0 || ContextLength <= 0)
        {
            throw new ArgumentException("Smoke model dimensions must be positive.");
        }

        if (EmbeddingLength % HeadCount != 0 || HeadCount % HeadCountKv != 0)
        {
            throw new ArgumentException("EmbeddingLength must divide by HeadCount, and HeadCount by HeadCountKv.");
        }

        if (HeadDimension % 2 != 0)
        {
            throw new ArgumentException("The head dimension must be even (rotary embedding).");
        }

        if (WeightType == GgmlType.Q8_0 && (EmbeddingLength % 32 != 0 || FeedForwardLength % 32 != 0))
        {
            throw new ArgumentException("Q8_0 weights need EmbeddingLength and FeedForwardLength to be multiples of 32.");
        }
    }

    /// <summary>A canonical text of every field; part of the cache file name's hash.</summary>
    public string CanonicalText => string.Create(
        CultureInfo.InvariantCulture,
        $"e{EmbeddingLength}-l{LayerCount}-h{HeadCount}-kv{HeadCountKv}-ff{FeedForwardLength}-c{ContextLength}-r{RopeFreqBase:R}-eps{RmsNormEpsilon:R}-{WeightType}-s{Seed}-ls{LogitScale:R}-rs{ResidualScale:R}");
}
