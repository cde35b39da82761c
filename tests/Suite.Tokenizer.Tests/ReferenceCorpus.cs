using System.Text.Json;
using Suite.Contracts;

namespace Suite.Tokenizer.Tests;

/// <summary>
/// The deterministic corpus (make-corpus.js) and the reference's token ids and chat renderings (reference.js),
/// produced once per test run in a temporary folder.
/// </summary>
internal sealed class ReferenceCorpus
{
    private static readonly Lazy<ReferenceCorpus> _instance = new(Create);

    private ReferenceCorpus(List<(string Text, int[] Ids)> texts, List<ReferenceChat> chats)
    {
        Texts = texts;
        Chats = chats;
    }

    public IReadOnlyList<(string Text, int[] Ids)> Texts { get; }

    public IReadOnlyList<ReferenceChat> Chats { get; }

    public static ReferenceCorpus Instance
    {
        get
        {
            ReferenceEnvironment.RequireReference();
            return _instance.Value;
        }
    }

    private static ReferenceCorpus Create()
    {
        var folder = Path.Combine(Path.GetTempPath(), "suite-tokenizer-reference-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        var corpus = Path.Combine(folder, "corpus.jsonl");
        var output = Path.Combine(folder, "reference.json");
        ReferenceEnvironment.RunNode("make-corpus.js", corpus);
        ReferenceEnvironment.RunNode("reference.js", corpus, output);
        using var document = JsonDocument.Parse(File.ReadAllBytes(output));
        var texts = new List<(string, int[])>();
        foreach (var item in document.RootElement.GetProperty("texts").EnumerateArray())
        {
            texts.Add((item.GetProperty("text").GetString()!, item.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray()));
        }

        var chats = new List<ReferenceChat>();
        foreach (var item in document.RootElement.GetProperty("chats").EnumerateArray())
        {
            var messages = item.GetProperty("messages").EnumerateArray()
                .Select(m => new ChatMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!))
                .ToList();
            chats.Add(new ReferenceChat(
                messages,
                item.GetProperty("add_generation_prompt").GetBoolean(),
                item.GetProperty("rendered").GetString()!,
                item.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray()));
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }

        return new ReferenceCorpus(texts, chats);
    }
}
