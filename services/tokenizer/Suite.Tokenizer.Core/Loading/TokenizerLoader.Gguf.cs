using System.Text.Json;
using Suite.Models.Gguf;
using Suite.Tokenizer.Core.Bpe;
using Suite.Tokenizer.Core.Spm;
using Suite.Tokenizer.Core.Templates;

namespace Suite.Tokenizer.Core.Loading;

public static partial class TokenizerLoader
{
    /// <summary>
    /// Builds the tokenizer GGUF metadata describes: <c>tokenizer.ggml.model</c> <c>gpt2</c> gives a
    /// <see cref="BpeTokenizer"/>, <c>llama</c> a <see cref="SpmTokenizer"/>, each following llama.cpp.
    /// </summary>
    public static ITextTokenizer FromGgufMetadata(GgufFile gguf)
    {
        ArgumentNullException.ThrowIfNull(gguf);
        return gguf.GetString("tokenizer.ggml.model") == "llama" ? FromGgufSpm(gguf) : FromGguf(gguf);
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
        var source = GgufChatTemplateSource(gguf, tokens);
        return new SpmTokenizer(
            "spm(gguf)", tokens, scores, types, unknownId, addSpacePrefix,
            addBos && bosId is { } b ? [b] : [], addEos && eosId is { } e ? [e] : [], ChatTemplateFactory.Create(source));
    }

    /// <summary>Loads the byte-level BPE tokenizer stored in a GGUF file's metadata.</summary>
    public static BpeTokenizer FromGguf(string path) => FromGguf(GgufReader.Read(path));

    /// <summary>Builds the tokenizer from GGUF metadata (<c>tokenizer.ggml.*</c>, <c>tokenizer.chat_template</c>).</summary>
    public static BpeTokenizer FromGguf(GgufFile gguf)
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

        // A word that is itself a token is emitted whole for Llama 3's pre-tokenizer, as llama.cpp and Hugging Face do.
        var options = new BpeModelOptions(ByteLevel: true, IgnoreMerges: patterns.Count == 1 && patterns[0] == PreTokenizerPatterns.Llama3);
        var preTokenizerJson = JsonSerializer.Serialize(new
        {
            type = "Sequence",
            pretokenizers = patterns.Select(p => (object)new { type = "Split", pattern = new { Regex = p }, behavior = "Isolated", invert = false })
                .Append(new { type = "ByteLevel", add_prefix_space = false, trim_offsets = false, use_regex = false }),
        });
        var pipeline = PipelineReader.Read(PreTokenizerPatterns.NormalizerJsonFor(pre), preTokenizerJson, "{\"type\":\"ByteLevel\"}");

        var bosId = (int?)gguf.GetInteger("tokenizer.ggml.bos_token_id");
        var eosId = (int?)gguf.GetInteger("tokenizer.ggml.eos_token_id");
        var addBos = gguf.Metadata.TryGetValue("tokenizer.ggml.add_bos_token", out var ab) && ab is true;
        var addEos = gguf.Metadata.TryGetValue("tokenizer.ggml.add_eos_token", out var ae) && ae is true;
        var prefix = addBos && bosId is { } b ? new[] { b } : [];
        var suffix = addEos && eosId is { } e ? new[] { e } : [];
        var source = GgufChatTemplateSource(gguf, tokens);
        return new BpeTokenizer($"bpe(gguf:{pre})", new BpeModel(vocab, merges, options), pipeline, added, prefix, suffix, source, ChatTemplateFactory.Create(source));
    }

    /// <summary>The chat template of a GGUF and the special tokens it gets by name, from their ids in the metadata.</summary>
    public static ChatTemplateSource GgufChatTemplateSource(GgufFile gguf, string[] tokens)
    {
        ArgumentNullException.ThrowIfNull(gguf);
        ArgumentNullException.ThrowIfNull(tokens);
        var special = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, key) in new[] { ("bos_token", "bos"), ("eos_token", "eos"), ("unk_token", "unknown"), ("pad_token", "padding"), ("sep_token", "seperator"), ("cls_token", "cls"), ("mask_token", "mask") })
        {
            if (gguf.GetInteger($"tokenizer.ggml.{key}_token_id") is { } id && id >= 0 && id < tokens.Length)
            {
                special[name] = tokens[id];
            }
        }

        return new ChatTemplateSource(gguf.GetString("tokenizer.chat_template"), special);
    }
}
