using System.Text.Json;
using Suite.Models.Gguf;
using Suite.Tokenizer.Core.Bpe;
using Suite.Tokenizer.Core.Templates;

namespace Suite.Tokenizer.Core.Loading;

/// <summary>Builds a <see cref="BpeTokenizer"/> from a Hugging Face <c>tokenizer.json</c>, or a tokenizer from GGUF metadata.</summary>
public static partial class TokenizerLoader
{
    /// <summary>
    /// Loads <c>tokenizer.json</c> (a file, or a folder holding it) and, when present beside it,
    /// <c>tokenizer_config.json</c> (special tokens, <c>add_bos_token</c>, <c>chat_template</c>).
    /// </summary>
    public static BpeTokenizer FromTokenizerJson(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, "tokenizer.json") : path;
        var configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, "tokenizer_config.json");
        var name = $"bpe({Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(file)))})";
        var configJson = File.Exists(configPath) ? File.ReadAllBytes(configPath) : null;
        return FromTokenizerJson(File.ReadAllBytes(file), configJson, name);
    }

    /// <summary>Loads from the bytes of <c>tokenizer.json</c> and (optionally) <c>tokenizer_config.json</c>.</summary>
    /// <exception cref="NotSupportedException">The file uses a feature this tokenizer does not implement; the message names it.</exception>
    public static BpeTokenizer FromTokenizerJson(byte[] tokenizerJson, byte[]? tokenizerConfigJson, string name)
    {
        ArgumentNullException.ThrowIfNull(tokenizerJson);
        using var document = JsonDocument.Parse(tokenizerJson);
        var root = document.RootElement;
        var config = TokenizerConfig.Parse(tokenizerConfigJson);
        var preTokenizer = root.TryGetProperty("pre_tokenizer", out var pre) ? pre : default;
        var options = ReadModelOptions(root.GetProperty("model"), PipelineReader.IsByteLevel(preTokenizer));
        var model = root.GetProperty("model");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in model.GetProperty("vocab").EnumerateObject())
        {
            vocab[entry.Name] = entry.Value.GetInt32();
        }

        var merges = new List<(string, string)>();
        foreach (var merge in model.GetProperty("merges").EnumerateArray())
        {
            if (merge.ValueKind == JsonValueKind.Array)
            {
                merges.Add((merge[0].GetString()!, merge[1].GetString()!));
            }
            else
            {
                var text = merge.GetString()!;
                var space = text.IndexOf(' ', 1);
                merges.Add((text[..space], text[(space + 1)..]));
            }
        }

        var added = ReadAddedTokens(root);
        var pipeline = PipelineReader.Read(Raw(root, "normalizer"), Raw(root, "pre_tokenizer"), Raw(root, "decoder"));
        var (prefix, suffix) = SpecialTokenFrame(root, config, added, vocab);
        var source = new ChatTemplateSource(config.ChatTemplate, config.SpecialTokens);
        return new BpeTokenizer(name, new BpeModel(vocab, merges, options), pipeline, added, prefix, suffix, source, ChatTemplateFactory.Create(source));
    }

    /// <summary>
    /// The one entry point: a <c>.gguf</c> file loads from its metadata (byte-level BPE or SentencePiece-style);
    /// anything else is a tokenizer.json file or a folder holding one, loaded through <see cref="TokenizerCache"/>.
    /// </summary>
    public static ITextTokenizer Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)
            ? FromGgufMetadata(GgufReader.Read(path))
            : TokenizerCache.FromTokenizerJson(path);
    }

    private static BpeModelOptions ReadModelOptions(JsonElement model, bool byteLevel)
    {
        var type = model.TryGetProperty("type", out var typeElement) ? typeElement.GetString() : "BPE";
        if (type != "BPE")
        {
            throw new NotSupportedException($"tokenizer.json model type '{type}' is not supported (BPE is).");
        }

        foreach (var affix in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (model.TryGetProperty(affix, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0)
            {
                throw new NotSupportedException($"tokenizer.json BPE with {affix} '{value.GetString()}' is not supported.");
            }
        }

        if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() > 0)
        {
            throw new NotSupportedException("tokenizer.json BPE with dropout is not supported (it makes encoding random).");
        }

        bool Flag(string name) => model.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
        var unknown = model.TryGetProperty("unk_token", out var unk) && unk.ValueKind == JsonValueKind.String ? unk.GetString() : null;
        return new BpeModelOptions(byteLevel, Flag("ignore_merges"), Flag("byte_fallback"), unknown, Flag("fuse_unk"));
    }

    private static List<AddedToken> ReadAddedTokens(JsonElement root)
    {
        var added = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out var addedElement))
        {
            return added;
        }

        foreach (var token in addedElement.EnumerateArray())
        {
            bool Flag(string name) => token.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
            var content = token.GetProperty("content").GetString()!;
            foreach (var unsupported in new[] { "single_word", "lstrip", "rstrip" })
            {
                if (Flag(unsupported))
                {
                    throw new NotSupportedException($"tokenizer.json added token '{content}' with {unsupported}=true is not supported.");
                }
            }

            added.Add(new AddedToken(token.GetProperty("id").GetInt32(), content, Flag("special"), Flag("normalized")));
        }

        return added;
    }

    /// <summary>What <c>add_special_tokens</c> puts around the text: the TemplateProcessing post-processor, else tokenizer_config's flags.</summary>
    private static (List<int> Prefix, List<int> Suffix) SpecialTokenFrame(JsonElement root, TokenizerConfig config, List<AddedToken> added, Dictionary<string, int> vocab)
    {
        int? IdOf(string? text) => text is null ? null
            : added.FirstOrDefault(a => a.Content == text)?.Id ?? (vocab.TryGetValue(text, out var id) ? id : null);

        var prefix = new List<int>();
        var suffix = new List<int>();
        var template = root.TryGetProperty("post_processor", out var post) ? FindTemplateProcessing(post) : null;
        if (template is { } t)
        {
            ReadTemplateProcessing(t, prefix, suffix);
            return (prefix, suffix);
        }

        // transformers' LlamaTokenizerFast rebuilds the post-processor from add_bos_token/add_eos_token (DeepSeek V3's
        // tokenizer.json has none, and its config asks for BOS).
        if (config.AddBosToken == true && IdOf(config.BosToken) is { } bos)
        {
            prefix.Add(bos);
        }

        if (config.AddEosToken && IdOf(config.EosToken) is { } eos)
        {
            suffix.Add(eos);
        }

        return (prefix, suffix);
    }

    private static JsonElement? FindTemplateProcessing(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var type = element.GetProperty("type").GetString();
        switch (type)
        {
            case "TemplateProcessing":
                return element;
            case "ByteLevel":
                return null;
            case "Sequence":
                foreach (var inner in element.GetProperty("processors").EnumerateArray())
                {
                    if (FindTemplateProcessing(inner) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                throw new NotSupportedException($"tokenizer.json post-processor '{type}' is not supported (TemplateProcessing, ByteLevel and Sequence are).");
        }
    }

    private static void ReadTemplateProcessing(JsonElement template, List<int> prefix, List<int> suffix)
    {
        var specials = template.GetProperty("special_tokens");
        var seenSequence = false;
        foreach (var piece in template.GetProperty("single").EnumerateArray())
        {
            if (piece.TryGetProperty("Sequence", out _))
            {
                seenSequence = true;
                continue;
            }

            var id = piece.GetProperty("SpecialToken").GetProperty("id").GetString()!;
            foreach (var tokenId in specials.GetProperty(id).GetProperty("ids").EnumerateArray())
            {
                (seenSequence ? suffix : prefix).Add(tokenId.GetInt32());
            }
        }
    }

    private static string Raw(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) ? value.GetRawText() : "null";
}
