using System.Security.Cryptography;
using System.Text.Json;

namespace Suite.Models.Generation;

/// <summary>
/// Reads a Hugging Face BPE <c>tokenizer.json</c> (and the <c>tokenizer_config.json</c> beside it) into the form
/// llama.cpp reads: a byte-level vocabulary for its <c>gpt2</c> tokenizer model, a SentencePiece-style one (BPE with
/// byte fallback: Llama 2, Gemma) for its <c>llama</c> model, with scores that order the merges as the merge list does.
/// </summary>
public static class HuggingFaceVocabulary
{
    // Fragments of the pre-tokenizer regexes that identify the vocabularies llama.cpp knows by name.
    private const string DeepSeekV3Cjk = "[一-龥぀-ゟ゠-ヿ]+";
    private const string Qwen2Numbers = "\\p{N}| ?[^\\s\\p{L}\\p{N}]+";
    private const string Llama3Numbers = "\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+";

    /// <param name="tokenizerJsonPath">Path of <c>tokenizer.json</c>.</param>
    /// <param name="preOverride">llama.cpp pre-tokenizer name (<c>tokenizer.ggml.pre</c>); null to detect it.</param>
    public static SmokeVocabulary Load(string tokenizerJsonPath, string? preOverride = null)
    {
        if (!File.Exists(tokenizerJsonPath))
        {
            throw new FileNotFoundException($"Tokenizer file not found: {tokenizerJsonPath} (SUITE_TOKENIZER).", tokenizerJsonPath);
        }

        var tokenizerBytes = File.ReadAllBytes(tokenizerJsonPath);
        using var tokenizer = JsonDocument.Parse(tokenizerBytes);
        var root = tokenizer.RootElement;
        var model = root.GetProperty("model");
        if (model.TryGetProperty("type", out var modelType) && modelType.GetString() is { } type && type != "BPE")
        {
            throw new NotSupportedException($"{tokenizerJsonPath}: tokenizer model '{type}' is not supported; only BPE (byte-level, or with byte fallback) is.");
        }

        var sentencePiece = model.TryGetProperty("byte_fallback", out var fallback) && fallback.ValueKind == JsonValueKind.True;
        var unknownToken = model.TryGetProperty("unk_token", out var unk) && unk.ValueKind == JsonValueKind.String ? unk.GetString() : null;
        var byId = new SortedDictionary<int, (string Text, TokenType Type)>();
        foreach (var entry in model.GetProperty("vocab").EnumerateObject())
        {
            var tokenType = !sentencePiece ? TokenType.Normal
                : entry.Name == unknownToken ? TokenType.Unknown
                : IsByteToken(entry.Name) ? TokenType.Byte
                : TokenType.Normal;
            byId[entry.Value.GetInt32()] = (entry.Name, tokenType);
        }

        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (var token in added.EnumerateArray())
            {
                var special = token.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True;
                byId[token.GetProperty("id").GetInt32()] =
                    (token.GetProperty("content").GetString() ?? string.Empty, special ? TokenType.Control : TokenType.UserDefined);
            }
        }

        var count = byId.Count == 0 ? 0 : byId.Keys.Max() + 1;
        var tokens = new string[count];
        var types = new TokenType[count];
        for (var id = 0; id < count; id++)
        {
            // Embedding rows must equal the token count, so gaps in the ID space get unused placeholders.
            var (text, tokenType) = byId.TryGetValue(id, out var t) ? t : ($"[PAD{id}]", TokenType.Unused);
            tokens[id] = text;
            types[id] = tokenType;
        }

        var merges = ReadMerges(model);
        var idOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 0; id < count; id++)
        {
            // Added tokens come later in byId, so a later (added) entry of the same text wins.
            idOf[tokens[id]] = id;
        }

        var configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(tokenizerJsonPath))!, "tokenizer_config.json");
        string? bos = null, eos = null, chatTemplate = null, pad = null;
        var addBos = false;
        byte[] configBytes = [];
        if (File.Exists(configPath))
        {
            configBytes = File.ReadAllBytes(configPath);
            using var config = JsonDocument.Parse(configBytes);
            var c = config.RootElement;
            bos = TokenizerConfigJson.TokenContent(c, "bos_token");
            eos = TokenizerConfigJson.TokenContent(c, "eos_token");
            pad = TokenizerConfigJson.TokenContent(c, "pad_token");
            addBos = c.TryGetProperty("add_bos_token", out var ab) && ab.ValueKind == JsonValueKind.True;
            chatTemplate = TokenizerConfigJson.ChatTemplate(c);
        }

        var eosId = Resolve(idOf, eos, "eos_token", configPath)
            ?? throw new InvalidDataException($"{configPath}: eos_token is missing; the smoke model needs an end-of-sequence token.");
        var bosId = Resolve(idOf, bos, "bos_token", configPath) ?? eosId;
        var pre = sentencePiece ? "spm" : preOverride is { Length: > 0 } ? preOverride : DetectPre(root, tokenizerJsonPath);
        var folder = Path.GetDirectoryName(Path.GetFullPath(tokenizerJsonPath))!;

        // Packages that ship the files in a "models" folder are named by the folder above it.
        var name = Path.GetFileName(folder) is "models" ? Path.GetFileName(Path.GetDirectoryName(folder)) ?? "hf" : Path.GetFileName(folder) ?? "hf";
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData([.. tokenizerBytes, .. configBytes]))[..16] + "-" + pre;
        if (sentencePiece)
        {
            return new SmokeVocabulary(
                Name: Sanitize(name),
                Fingerprint: fingerprint,
                Pre: pre,
                Tokens: tokens,
                TokenTypes: types,
                Merges: [],
                BosTokenId: bosId,
                EosTokenId: eosId,
                EotTokenId: null,
                PadTokenId: Resolve(idOf, pad, "pad_token", configPath),
                AddBosToken: addBos,
                ChatTemplate: chatTemplate)
            {
                TokenizerModel = "llama",
                Scores = MergeScores(tokens, merges),
                AddSpacePrefix = root.TryGetProperty("normalizer", out var normalizer) && normalizer.GetRawText().Contains("\"Prepend\"", StringComparison.Ordinal),
                UnknownTokenId = unknownToken is not null && idOf.TryGetValue(unknownToken, out var unknownId) ? unknownId : null,
            };
        }

        return new SmokeVocabulary(
            Name: pre == "deepseek-v3" ? "deepseek-v3" : Sanitize(name),
            Fingerprint: fingerprint,
            Pre: pre,
            Tokens: tokens,
            TokenTypes: types,
            Merges: merges,
            BosTokenId: bosId,
            EosTokenId: eosId,
            EotTokenId: null,
            PadTokenId: Resolve(idOf, pad, "pad_token", configPath),
            AddBosToken: addBos,
            ChatTemplate: chatTemplate);
    }

    /// <summary>Maps a Hugging Face pre-tokenizer to llama.cpp's name for it, or says which one is unsupported.</summary>
    public static string DetectPre(JsonElement root, string source)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind == JsonValueKind.Null)
        {
            throw new NotSupportedException($"{source}: no pre_tokenizer; set SUITE_TOKENIZER_PRE to a llama.cpp pre-tokenizer name.");
        }

        var text = pre.GetRawText();
        var regexes = CollectRegexes(pre).ToList();
        if (regexes.Any(r => r.Contains(DeepSeekV3Cjk, StringComparison.Ordinal)))
        {
            return "deepseek-v3";
        }

        if (regexes.Any(r => r.Contains(Llama3Numbers, StringComparison.Ordinal)))
        {
            return "llama-bpe";
        }

        if (regexes.Any(r => r.Contains(Qwen2Numbers, StringComparison.Ordinal)))
        {
            return "qwen2";
        }

        if (regexes.Count == 0 && text.Contains("\"ByteLevel\"", StringComparison.Ordinal))
        {
            return "gpt-2";
        }

        throw new NotSupportedException(
            $"{source}: unsupported pre-tokenizer {Truncate(text, 300)}; set SUITE_TOKENIZER_PRE to the llama.cpp pre-tokenizer name (e.g. deepseek-v3, qwen2, llama-bpe, gpt-2).");
    }

    private static IEnumerable<string> CollectRegexes(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "Regex" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        yield return property.Value.GetString()!;
                    }

                    foreach (var nested in CollectRegexes(property.Value))
                    {
                        yield return nested;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var nested in CollectRegexes(item))
                    {
                        yield return nested;
                    }
                }

                break;
        }
    }

    /// <summary>
    /// llama.cpp's SentencePiece tokenizer merges the adjacent pair whose joined text is the best-scored token;
    /// Hugging Face's BPE merges the pair ranked first in its merge list. Scoring each token by minus the rank of the
    /// first merge that makes it gives llama.cpp the same order; tokens no merge makes come last.
    /// </summary>
    private static float[] MergeScores(string[] tokens, List<string> merges)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 0; id < tokens.Length; id++)
        {
            index.TryAdd(tokens[id], id);
        }

        var scores = new float[tokens.Length];
        Array.Fill(scores, -1e9f);
        for (var rank = merges.Count - 1; rank >= 0; rank--)
        {
            var space = merges[rank].IndexOf(' ', 1);
            if (space > 0 && index.TryGetValue(string.Concat(merges[rank].AsSpan(0, space), merges[rank].AsSpan(space + 1)), out var id))
            {
                scores[id] = -rank;
            }
        }

        return scores;
    }

    private static bool IsByteToken(string token) =>
        token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>' && Uri.IsHexDigit(token[3]) && Uri.IsHexDigit(token[4]);

    private static List<string> ReadMerges(JsonElement model)
    {
        var merges = new List<string>();
        if (!model.TryGetProperty("merges", out var list))
        {
            return merges;
        }

        foreach (var merge in list.EnumerateArray())
        {
            // Older files write "a b"; newer ones write ["a", "b"] (which allows spaces inside parts).
            merges.Add(merge.ValueKind == JsonValueKind.Array
                ? merge[0].GetString() + " " + merge[1].GetString()
                : merge.GetString() ?? string.Empty);
        }

        return merges;
    }

    private static int? Resolve(Dictionary<string, int> idOf, string? content, string setting, string configPath)
    {
        if (content is null)
        {
            return null;
        }

        return idOf.TryGetValue(content, out var id)
            ? id
            : throw new InvalidDataException($"{configPath}: {setting} '{content}' is not in the vocabulary.");
    }

    private static string Sanitize(string name)
    {
        var chars = name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var result = new string(chars).Trim('-');
        return result.Length == 0 ? "hf" : result;
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";
}
