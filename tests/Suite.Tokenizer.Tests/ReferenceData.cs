using System.Collections.Concurrent;
using System.Text.Json;

namespace Suite.Tokenizer.Tests;

/// <summary>
/// The deterministic corpus (make-corpus.js) and what the reference implementations make of it: Hugging Face
/// tokenizers' ids and decodings per family (reference.js) and @huggingface/jinja's chat-template renderings
/// (templates.js). Produced once per test run in a temporary folder; each family's file is parsed on first use.
/// </summary>
internal static class ReferenceData
{
    private static readonly Lazy<Prepared> _prepared = new(Prepare);
    private static readonly ConcurrentDictionary<string, Lazy<FamilyReference>> _families = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Lazy<TemplateReference>> _templates = new(StringComparer.Ordinal);

    public static IReadOnlyList<string> Texts
    {
        get
        {
            ReferenceEnvironment.RequireReference();
            return _prepared.Value.Texts;
        }
    }

    public static FamilyReference Family(string family)
    {
        ReferenceEnvironment.RequireReference();
        return _families.GetOrAdd(family, f => new Lazy<FamilyReference>(() =>
            FamilyReference.Parse(Path.Combine(_prepared.Value.Folder, f + ".json")))).Value;
    }

    public static TemplateReference Templates(string family)
    {
        ReferenceEnvironment.RequireReference();
        return _templates.GetOrAdd(family, f => new Lazy<TemplateReference>(() =>
            TemplateReference.Parse(Path.Combine(_prepared.Value.Folder, f + ".templates.json")))).Value;
    }

    /// <summary>Reads the corpus file, restoring texts written as UTF-16 code units (those with lone surrogates).</summary>
    public static List<string> ReadCorpus(string path) => File.ReadLines(path)
        .Select(line => JsonDocument.Parse(line).RootElement)
        .Where(e => e.GetProperty("kind").GetString() == "text")
        .Select(e => e.TryGetProperty("text", out var text)
            ? text.GetString()!
            : new string(e.GetProperty("utf16").EnumerateArray().Select(c => (char)c.GetInt32()).ToArray()))
        .ToList();

    private static Prepared Prepare()
    {
        var folder = Path.Combine(Path.GetTempPath(), "suite-tokenizer-reference-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        var corpus = Path.Combine(folder, "corpus.jsonl");
        ReferenceEnvironment.RunNode("make-corpus.js", corpus);
        ReferenceEnvironment.RunNode("reference.js", corpus, folder);
        ReferenceEnvironment.RunNode("templates.js", folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        };
        return new Prepared(folder, ReadCorpus(corpus));
    }

    private sealed record Prepared(string Folder, List<string> Texts);
}
