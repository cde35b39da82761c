using System.Text;
using System.Text.Json;
using Suite.Models.Gguf;
using Suite.Tokenizer.Core.Bpe;
using Suite.Tokenizer.Core.Chat;
using Suite.Tokenizer.Core.Spm;

namespace Suite.Tokenizer.Core.Loading;

/// <summary>Builds a <see cref="BpeTokenizer"/> from a Hugging Face <c>tokenizer.json</c> or from GGUF metadata.</summary>
public static class TokenizerLoader
{
    /// <summary>
    /// Loads <c>tokenizer.json</c> (a file, or a folder holding it) and, when present beside it,
    /// <c>tokenizer_config.json</c> (BOS/EOS, <c>add_bos_token</c>, <c>chat_template</c>).
    /// </summary>
    public static BpeTokenizer FromTokenizerJson(string path, RegexFlavor flavor = RegexFlavor.HuggingFace)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, "tokenizer.json") : path;
        var configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, "tokenizer_config.json");
        var name = $"bpe({Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(file)))})";
        var configJson = File.Exists(configPath) ? File.ReadAllBytes(configPath) : null;
        return FromTokenizerJson(File.ReadAllBytes(file), configJson, name, flavor);
    }

    /// <summary>Loads from the bytes of <c>tokenizer.json</c> and (optionally) <c>tokenizer_config.json</c>.</summary>
    public static BpeTokenizer FromTokenizerJson(byte[] tokenizerJson, byte[]? tokenizerConfigJson, string name, RegexFlavor flavor = RegexFlavor.HuggingFace)
    {
        ArgumentNullException.ThrowIfNull(tokenizerJson);
        using var document = JsonDocument.Parse(tokenizerJson);
        using var config = tokenizerConfigJson is null ? null : JsonDocument.Parse(tokenizerConfigJson);
        var root = document.RootElement;
        var model = root.GetProperty("model");
        var type = model.TryGetProperty("type", out var typeElement) ? typeElement.GetString() : "BPE";
        if (type != "BPE")
        {
            throw new NotSupportedException($"tokenizer.json model type '{type}' is not supported (only byte-level BPE).");
        }

        if (model.TryGetProperty("byte_fallback", out var fallback) && fallback.ValueKind == JsonValueKind.True)
        {
            throw new NotSupportedException("BPE with byte_fallback (SentencePiece-style BPE) is not supported.");
        }

        var vocabElement = model.GetProperty("vocab");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocabElement.EnumerateObject())
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

        var ignoreMerges = model.TryGetProperty("ignore_merges", out var ignore) && ignore.ValueKind == JsonValueKind.True;
        var bpe = new BpeModel(vocab, merges, ignoreMerges);

        var added = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens", out var addedElement))
        {
            foreach (var token in addedElement.EnumerateArray())
            {
                added.Add(new AddedToken(
                    token.GetProperty("id").GetInt32(),
                    token.GetProperty("content").GetString()!,
                    token.TryGetProperty("special", out var special) && special.ValueKind == JsonValueKind.True));
            }
        }

        var normalization = ReadNormalizer(root.TryGetProperty("normalizer", out var n) ? n : default);
        var steps = new List<(string, SplitBehavior)>();
        var addPrefixSpace = false;
        if (root.TryGetProperty("pre_tokenizer", out var pre) && pre.ValueKind == JsonValueKind.Object)
        {
            ReadPreTokenizer(pre, steps, ref addPrefixSpace);
        }

        var preTokenizer = new PreTokenizer(steps, addPrefixSpace, flavor);

        string? bosToken = null;
        string? eosToken = null;
        bool? addBos = null;
        var addEos = false;
        string? chatTemplate = null;
        if (config is not null)
        {
            var c = config.RootElement;
            bosToken = ReadTokenText(c, "bos_token");
            eosToken = ReadTokenText(c, "eos_token");
            if (c.TryGetProperty("add_bos_token", out var ab) && ab.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                addBos = ab.GetBoolean();
            }

            addEos = c.TryGetProperty("add_eos_token", out var ae) && ae.ValueKind == JsonValueKind.True;
            chatTemplate = ReadChatTemplate(c);
        }

        int? IdOf(string? text) => text is null ? null
            : added.FirstOrDefault(a => a.Content == text)?.Id ?? (vocab.TryGetValue(text, out var id) ? id : null);

        var prefix = new List<int>();
        var suffix = new List<int>();
        var template = root.TryGetProperty("post_processor", out var post) ? FindTemplateProcessing(post) : null;
        if (template is { } t)
        {
            ReadTemplateProcessing(t, prefix, suffix);
        }
        else
        {
            // transformers' LlamaTokenizerFast rebuilds the post-processor from add_bos_token/add_eos_token.
            if (addBos == true && IdOf(bosToken) is { } bos)
            {
                prefix.Add(bos);
            }

            if (addEos && IdOf(eosToken) is { } eos)
            {
                suffix.Add(eos);
            }
        }

        var chat = ChatTemplates.FromTemplateString(chatTemplate, bosToken, eosToken);
        return new BpeTokenizer(name, bpe, preTokenizer, added, normalization, prefix, suffix, chat, new ChatTemplateSource(chatTemplate, bosToken, eosToken));
    }

    /// <summary>
    /// The one entry point: a <c>.gguf</c> file loads from its metadata (byte-level BPE or SentencePiece-style);
    /// anything else is a tokenizer.json file or a folder holding one, loaded through <see cref="TokenizerCache"/>.
    /// </summary>
    public static ITextTokenizer Load(string path, RegexFlavor flavor = RegexFlavor.HuggingFace)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)
            ? FromGgufMetadata(GgufReader.Read(path), flavor)
            : TokenizerCache.FromTokenizerJson(path, flavor);
    }

    /// <summary>
    /// Builds the tokenizer GGUF metadata describes: <c>tokenizer.ggml.model</c> <c>gpt2</c> gives a
    /// <see cref="BpeTokenizer"/>, <c>llama</c> a <see cref="SpmTokenizer"/>.
    /// </summary>
    public static ITextTokenizer FromGgufMetadata(GgufFile gguf, RegexFlavor flavor = RegexFlavor.HuggingFace)
    {
        ArgumentNullException.ThrowIfNull(gguf);
        return gguf.GetString("tokenizer.ggml.model") == "llama" ? FromGgufSpm(gguf) : FromGguf(gguf, flavor);
    }

    /// <summary>The SentencePiece-style tokenizer of a GGUF with <c>tokenizer.ggml.model = llama</c>.</summary>
    public static SpmTokenizer FromGgufSpm(GgufFile gguf)
    {
        ArgumentNullException.ThrowIfNull(gguf);
        var tokens = gguf.GetArray<string>("tokenizer.ggml.tokens")
            ?? throw new InvalidDataException("GGUF has no tokenizer.ggml.tokens.");
        var scores = gguf.GetArray<float>("tokenizer.ggml.scores") ?? new float[tokens.Length];
        var types = gguf.GetArray<int>("tokenizer.ggml.token_type") ?? Enumerable.Repeat(1, tokens.Length).ToArray();
        var bosId = (int?)gguf.GetInteger("tokenizer.ggml.bos_token_id");
        var eosId = (int?)gguf.GetInteger("tokenizer.ggml.eos_token_id");
        var unknownId = (int?)gguf.GetInteger("tokenizer.ggml.unknown_token_id") ?? 0;

        // llama.cpp's defaults for SPM: BOS is added and a space is put before the text unless the metadata says otherwise.
        var addBos = !gguf.Metadata.TryGetValue("tokenizer.ggml.add_bos_token", out var ab) || ab is true;
        var addEos = gguf.Metadata.TryGetValue("tokenizer.ggml.add_eos_token", out var ae) && ae is true;
        var addSpacePrefix = !gguf.Metadata.TryGetValue("tokenizer.ggml.add_space_prefix", out var asp) || asp is true;
        string? TextOf(int? id) => id is { } i && i >= 0 && i < tokens.Length ? tokens[i] : null;
        var chat = ChatTemplates.FromTemplateString(gguf.GetString("tokenizer.chat_template"), TextOf(bosId), TextOf(eosId));
        return new SpmTokenizer(
            "spm(gguf)", tokens, scores, types, unknownId, addSpacePrefix,
            addBos && bosId is { } b ? [b] : [], addEos && eosId is { } e ? [e] : [], chat);
    }

    /// <summary>Loads the byte-level BPE tokenizer stored in a GGUF file's metadata.</summary>
    public static BpeTokenizer FromGguf(string path, RegexFlavor flavor = RegexFlavor.HuggingFace) =>
        FromGguf(GgufReader.Read(path), flavor);

    /// <summary>Builds the tokenizer from GGUF metadata (<c>tokenizer.ggml.*</c>, <c>tokenizer.chat_template</c>).</summary>
    public static BpeTokenizer FromGguf(GgufFile gguf, RegexFlavor flavor = RegexFlavor.HuggingFace)
    {
        ArgumentNullException.ThrowIfNull(gguf);
        var modelName = gguf.GetString("tokenizer.ggml.model");
        if (modelName != "gpt2")
        {
            throw new NotSupportedException(
                $"GGUF tokenizer.ggml.model '{modelName ?? "(missing)"}' is not supported here ('gpt2' byte-level BPE; 'llama' through FromGgufSpm/FromGgufMetadata).");
        }

        var pre = gguf.GetString("tokenizer.ggml.pre");
        var patterns = PreTokenizerPatterns.ForLlamaCppName(pre);
        var tokens = gguf.GetArray<string>("tokenizer.ggml.tokens")
            ?? throw new InvalidDataException("GGUF has no tokenizer.ggml.tokens.");
        var mergeStrings = gguf.GetArray<string>("tokenizer.ggml.merges")
            ?? throw new InvalidDataException("GGUF has no tokenizer.ggml.merges.");
        var types = gguf.GetArray<int>("tokenizer.ggml.token_type");

        var vocab = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        var added = new List<AddedToken>();
        for (var id = 0; id < tokens.Length; id++)
        {
            var tokenType = types is not null && id < types.Length ? types[id] : 1;
            switch (tokenType)
            {
                case 3:
                    added.Add(new AddedToken(id, tokens[id], Special: true));
                    break;
                case 4:
                    added.Add(new AddedToken(id, tokens[id], Special: false));
                    break;
                default:
                    vocab.TryAdd(tokens[id], id);
                    break;
            }
        }

        var merges = new List<(string, string)>(mergeStrings.Length);
        foreach (var merge in mergeStrings)
        {
            var space = merge.IndexOf(' ', 1);
            merges.Add((merge[..space], merge[(space + 1)..]));
        }

        var bpe = new BpeModel(vocab, merges, ignoreMerges: patterns.Count == 1 && patterns[0] == PreTokenizerPatterns.Llama3);
        var preTokenizer = new PreTokenizer(patterns.Select(p => (p, SplitBehavior.Isolated)).ToList(), false, flavor);

        var bosId = (int?)gguf.GetInteger("tokenizer.ggml.bos_token_id");
        var eosId = (int?)gguf.GetInteger("tokenizer.ggml.eos_token_id");
        var addBos = gguf.Metadata.TryGetValue("tokenizer.ggml.add_bos_token", out var ab) && ab is true;
        var addEos = gguf.Metadata.TryGetValue("tokenizer.ggml.add_eos_token", out var ae) && ae is true;
        var prefix = addBos && bosId is { } b ? new[] { b } : [];
        var suffix = addEos && eosId is { } e ? new[] { e } : [];
        string? TextOf(int? id) => id is { } i && i >= 0 && i < tokens.Length ? tokens[i] : null;
        var source = new ChatTemplateSource(gguf.GetString("tokenizer.chat_template"), TextOf(bosId), TextOf(eosId));
        var chat = ChatTemplates.FromTemplateString(source.Template, source.BosToken, source.EosToken);
        return new BpeTokenizer($"bpe(gguf:{pre})", bpe, preTokenizer, added, null, prefix, suffix, chat, source);
    }

    private static NormalizationForm? ReadNormalizer(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var type = element.GetProperty("type").GetString();
        switch (type)
        {
            case "NFC": return NormalizationForm.FormC;
            case "NFD": return NormalizationForm.FormD;
            case "NFKC": return NormalizationForm.FormKC;
            case "NFKD": return NormalizationForm.FormKD;
            case "Sequence":
                NormalizationForm? form = null;
                foreach (var inner in element.GetProperty("normalizers").EnumerateArray())
                {
                    if (form is not null)
                    {
                        throw new NotSupportedException("A normalizer sequence with more than one step is not supported.");
                    }

                    form = ReadNormalizer(inner);
                }

                return form;
            default:
                throw new NotSupportedException($"Normalizer '{type}' is not supported (NFC/NFD/NFKC/NFKD are).");
        }
    }

    private static void ReadPreTokenizer(JsonElement element, List<(string, SplitBehavior)> steps, ref bool addPrefixSpace)
    {
        var type = element.GetProperty("type").GetString();
        switch (type)
        {
            case "Sequence":
                foreach (var inner in element.GetProperty("pretokenizers").EnumerateArray())
                {
                    ReadPreTokenizer(inner, steps, ref addPrefixSpace);
                }

                break;
            case "Split":
                if (element.TryGetProperty("invert", out var invert) && invert.ValueKind == JsonValueKind.True)
                {
                    throw new NotSupportedException("Split pre-tokenizer with invert=true is not supported.");
                }

                var patternElement = element.GetProperty("pattern");
                var pattern = patternElement.TryGetProperty("Regex", out var regex)
                    ? regex.GetString()!
                    : System.Text.RegularExpressions.Regex.Escape(patternElement.GetProperty("String").GetString()!);
                var behavior = element.GetProperty("behavior").GetString() switch
                {
                    "Isolated" => SplitBehavior.Isolated,
                    "Removed" => SplitBehavior.Removed,
                    var other => throw new NotSupportedException($"Split behavior '{other}' is not supported (Isolated, Removed are)."),
                };
                steps.Add((pattern, behavior));
                break;
            case "Digits":
                var individual = element.TryGetProperty("individual_digits", out var ind) && ind.ValueKind == JsonValueKind.True;
                steps.Add((individual ? @"\p{N}" : @"\p{N}+", SplitBehavior.Isolated));
                break;
            case "ByteLevel":
                if (element.TryGetProperty("add_prefix_space", out var aps) && aps.ValueKind == JsonValueKind.True)
                {
                    if (steps.Count > 0)
                    {
                        throw new NotSupportedException("ByteLevel add_prefix_space after other pre-tokenizers is not supported.");
                    }

                    addPrefixSpace = true;
                }

                var useRegex = !element.TryGetProperty("use_regex", out var ur) || ur.ValueKind != JsonValueKind.False;
                if (useRegex)
                {
                    steps.Add((PreTokenizerPatterns.Gpt2, SplitBehavior.Isolated));
                }

                break;
            default:
                throw new NotSupportedException($"Pre-tokenizer '{type}' is not supported (Sequence, Split, Digits, ByteLevel are).");
        }
    }

    private static JsonElement? FindTemplateProcessing(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var type = element.GetProperty("type").GetString();
        if (type == "TemplateProcessing")
        {
            return element;
        }

        if (type == "Sequence")
        {
            foreach (var inner in element.GetProperty("processors").EnumerateArray())
            {
                if (FindTemplateProcessing(inner) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
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

    private static string? ReadTokenText(JsonElement config, string property)
    {
        if (!config.TryGetProperty(property, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object => value.GetProperty("content").GetString(),
            _ => null,
        };
    }

    private static string? ReadChatTemplate(JsonElement config)
    {
        if (!config.TryGetProperty("chat_template", out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            // A list of named templates: take "default", as transformers does.
            foreach (var entry in value.EnumerateArray())
            {
                if (entry.GetProperty("name").GetString() == "default")
                {
                    return entry.GetProperty("template").GetString();
                }
            }
        }

        return null;
    }
}
