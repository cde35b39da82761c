using System.Text;
using Suite.Tokenizer.Core.Bpe;

namespace Suite.Tokenizer.Tests;

/// <summary>Writes a GGUF v3 file with tokenizer metadata only (no tensors), the way llama.cpp's converter lays it out.</summary>
internal static class GgufTestWriter
{
    public static void WriteTokenizerOnly(string path, BpeTokenizer source, string pre, bool addBos, string? chatTemplate = null, uint bosId = 0, uint eosId = 1)
    {
        var tokens = new string[source.VocabularySize];
        var types = new int[source.VocabularySize];
        for (var id = 0; id < tokens.Length; id++)
        {
            tokens[id] = source.IdToToken(id) ?? $"[PAD{id}]";
            types[id] = source.IdToToken(id) is null ? 5 : 1;
        }

        foreach (var added in source.AddedTokens)
        {
            types[added.Id] = added.Special ? 3 : 4;
        }

        var triples = source.Model.GetMergeTriples();
        var merges = new string[triples.Length / 3];
        for (var i = 0; i < merges.Length; i++)
        {
            merges[i] = tokens[triples[3 * i]] + " " + tokens[triples[(3 * i) + 1]];
        }

        var template = chatTemplate ?? "{{bos_token}}{% for m in messages %}{% if m['role'] == 'user' %}{{'<｜User｜>' + m['content']}}{% endif %}{% endfor %}{{'<｜Assistant｜>'}}";
        var metadata = new List<(string, Action<BinaryWriter>)>
        {
            ("general.architecture", w => WriteString(w, "llama")),
            ("tokenizer.ggml.model", w => WriteString(w, "gpt2")),
            ("tokenizer.ggml.pre", w => WriteString(w, pre)),
            ("tokenizer.ggml.tokens", w => WriteStringArray(w, tokens)),
            ("tokenizer.ggml.token_type", w => WriteIntArray(w, types)),
            ("tokenizer.ggml.merges", w => WriteStringArray(w, merges)),
            ("tokenizer.ggml.bos_token_id", w => { w.Write(4u); w.Write(bosId); }),
            ("tokenizer.ggml.eos_token_id", w => { w.Write(4u); w.Write(eosId); }),
            ("tokenizer.ggml.add_bos_token", w => { w.Write(7u); w.Write((byte)(addBos ? 1 : 0)); }),
            ("tokenizer.chat_template", w => WriteString(w, template)),
        };

        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(0x46554747u);
        writer.Write(3u);
        writer.Write(0UL);
        writer.Write((ulong)metadata.Count);
        foreach (var (key, write) in metadata)
        {
            WriteRawString(writer, key);
            write(writer);
        }
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        writer.Write(8u);
        WriteRawString(writer, value);
    }

    private static void WriteRawString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void WriteStringArray(BinaryWriter writer, string[] values)
    {
        writer.Write(9u);
        writer.Write(8u);
        writer.Write((ulong)values.Length);
        foreach (var value in values)
        {
            WriteRawString(writer, value);
        }
    }

    private static void WriteIntArray(BinaryWriter writer, int[] values)
    {
        writer.Write(9u);
        writer.Write(5u);
        writer.Write((ulong)values.Length);
        foreach (var value in values)
        {
            writer.Write(value);
        }
    }
}
