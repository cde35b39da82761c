using System.Text.Json;

namespace Suite.Tokenizer.Tests;

/// <summary>One family's Hugging Face tokenizers results over the corpus (reference.js), in corpus order.</summary>
internal sealed record FamilyReference(
    int[][] Ids,
    int[][] IdsWithSpecialTokens,
    string[] Decoded,
    string[] DecodedSkippingSpecialTokens,
    IReadOnlyList<(int[] Ids, string Text, string TextSkippingSpecialTokens)> RandomDecodes)
{
    public static FamilyReference Parse(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        static int[] Ids(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();
        return new FamilyReference(
            root.GetProperty("ids").EnumerateArray().Select(Ids).ToArray(),
            root.GetProperty("ids_special").EnumerateArray().Select(Ids).ToArray(),
            root.GetProperty("decoded").EnumerateArray().Select(e => e.GetString()!).ToArray(),
            root.GetProperty("decoded_skip").EnumerateArray().Select(e => e.GetString()!).ToArray(),
            root.GetProperty("random").EnumerateArray()
                .Select(e => (Ids(e.GetProperty("ids")), e.GetProperty("text").GetString()!, e.GetProperty("text_skip").GetString()!))
                .ToList());
    }
}
