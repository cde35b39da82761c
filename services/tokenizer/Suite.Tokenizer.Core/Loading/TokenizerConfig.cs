using System.Text.Json;
using Suite.Models.Generation;

namespace Suite.Tokenizer.Core.Loading;

/// <summary>
/// What tokenizer_config.json adds to tokenizer.json: the special tokens by name (what transformers passes to a chat
/// template as <c>bos_token</c>, <c>eos_token</c>...), <c>add_bos_token</c>/<c>add_eos_token</c>, the tokenizer class
/// and the chat template.
/// </summary>
public sealed record TokenizerConfig(
    IReadOnlyDictionary<string, string> SpecialTokens,
    bool? AddBosToken,
    bool AddEosToken,
    string? TokenizerClass,
    string? ChatTemplate)
{
    public static TokenizerConfig Empty { get; } = new(new Dictionary<string, string>(), null, false, null, null);

    public string? BosToken => SpecialTokens.GetValueOrDefault("bos_token");

    public string? EosToken => SpecialTokens.GetValueOrDefault("eos_token");

    public static TokenizerConfig Parse(byte[]? json)
    {
        if (json is null)
        {
            return Empty;
        }

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var special = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "bos_token", "eos_token", "unk_token", "pad_token", "sep_token", "cls_token", "mask_token" })
        {
            if (TokenizerConfigJson.TokenContent(root, name) is { } text)
            {
                special[name] = text;
            }
        }

        // Multimodal configs name further tokens (boi_token, image_token...); transformers exposes them as attributes too.
        if (root.TryGetProperty("extra_special_tokens", out var extra) && extra.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in extra.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    special.TryAdd(property.Name, property.Value.GetString()!);
                }
            }
        }

        bool? addBos = root.TryGetProperty("add_bos_token", out var ab) && ab.ValueKind is JsonValueKind.True or JsonValueKind.False ? ab.GetBoolean() : null;
        var addEos = root.TryGetProperty("add_eos_token", out var ae) && ae.ValueKind == JsonValueKind.True;
        var tokenizerClass = root.TryGetProperty("tokenizer_class", out var tc) && tc.ValueKind == JsonValueKind.String ? tc.GetString() : null;
        return new TokenizerConfig(special, addBos, addEos, tokenizerClass, TokenizerConfigJson.ChatTemplate(root));
    }
}
