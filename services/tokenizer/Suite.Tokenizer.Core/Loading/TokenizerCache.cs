using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Suite.Tokenizer.Core.Bpe;
using Suite.Tokenizer.Core.Chat;

namespace Suite.Tokenizer.Core.Loading;

/// <summary>
/// A compact binary form of a built <see cref="BpeTokenizer"/>, so a server start does not re-parse an 8 MB
/// tokenizer.json and re-resolve 127K merge strings. Files are keyed by the SHA-256 of the source files (plus the
/// regex flavour and this format's version), so an edited tokenizer.json never loads a stale cache. The folder is
/// <c>SUITE_TOKENIZER_CACHE</c>, or <c>suite-tokenizer-cache</c> under the temp folder.
/// </summary>
public static class TokenizerCache
{
    private const int FormatVersion = 2;
    private const uint Magic = 0x4B4F5453; // "STOK"

    public static string DefaultDirectory =>
        Environment.GetEnvironmentVariable("SUITE_TOKENIZER_CACHE") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), "suite-tokenizer-cache");

    /// <summary>
    /// Like <see cref="TokenizerLoader.FromTokenizerJson(string, RegexFlavor)"/>, through the cache: the first call
    /// builds from JSON and writes the cache; later calls read it. A damaged cache file is rebuilt.
    /// </summary>
    public static BpeTokenizer FromTokenizerJson(string path, RegexFlavor flavor = RegexFlavor.HuggingFace, string? cacheDirectory = null)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, "tokenizer.json") : path;
        var configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, "tokenizer_config.json");
        var json = File.ReadAllBytes(file);
        var config = File.Exists(configPath) ? File.ReadAllBytes(configPath) : null;
        var key = Key(json, config, flavor);
        var directory = cacheDirectory ?? DefaultDirectory;
        var cachePath = Path.Combine(directory, key + ".stok");
        if (File.Exists(cachePath))
        {
            try
            {
                return Read(cachePath);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or EndOfStreamException or ArgumentException)
            {
                // Fall through and rebuild: a truncated or foreign file must not stop the server.
            }
        }

        var name = $"bpe({Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(file)))})";
        var tokenizer = TokenizerLoader.FromTokenizerJson(json, config, name, flavor);
        try
        {
            Directory.CreateDirectory(directory);
            var temporary = cachePath + "." + Environment.ProcessId + ".tmp";
            Write(tokenizer, temporary);
            File.Move(temporary, cachePath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Caching is an optimisation; a read-only disk only costs load time.
        }

        return tokenizer;
    }

    /// <summary>Writes the compact form of <paramref name="tokenizer"/>.</summary>
    public static void Write(BpeTokenizer tokenizer, string path)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(tokenizer.Name);
        writer.Write((int)tokenizer.PreTokenizer.Flavor);
        writer.Write(tokenizer.PreTokenizer.AddPrefixSpace);
        writer.Write(tokenizer.PreTokenizer.Patterns.Count);
        for (var i = 0; i < tokenizer.PreTokenizer.Patterns.Count; i++)
        {
            writer.Write(tokenizer.PreTokenizer.Patterns[i]);
            writer.Write((int)tokenizer.PreTokenizer.Behaviors[i]);
        }

        writer.Write(tokenizer.Normalization is { } form ? (int)form : -1);
        WriteInts(writer, tokenizer.PrefixTokens.ToArray());
        WriteInts(writer, tokenizer.SuffixTokens.ToArray());
        var source = tokenizer.ChatTemplateSource;
        WriteNullable(writer, source?.Template);
        WriteNullable(writer, source?.BosToken);
        WriteNullable(writer, source?.EosToken);
        writer.Write(tokenizer.AddedTokens.Count);
        foreach (var token in tokenizer.AddedTokens)
        {
            writer.Write(token.Id);
            writer.Write(token.Content);
            writer.Write(token.Special);
        }

        writer.Write(tokenizer.Model.IgnoreMerges);
        // The vocabulary as ids, lengths and one UTF-16 blob: read back with three bulk reads.
        var vocabulary = tokenizer.Model.Vocabulary;
        var ids = new int[vocabulary.Count];
        var lengths = new int[vocabulary.Count];
        var chars = new StringBuilder();
        var index = 0;
        foreach (var (spelling, id) in vocabulary)
        {
            ids[index] = id;
            lengths[index++] = spelling.Length;
            chars.Append(spelling);
        }

        WriteInts(writer, ids);
        WriteInts(writer, lengths);
        var blob = chars.ToString();
        writer.Write(blob.Length);
        writer.Write(MemoryMarshal.AsBytes(blob.AsSpan()));

        WriteInts(writer, tokenizer.Model.GetMergeTriples());
    }

    /// <summary>Reads a file written by <see cref="Write"/>.</summary>
    public static BpeTokenizer Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        if (reader.ReadUInt32() != Magic || reader.ReadInt32() != FormatVersion)
        {
            throw new InvalidDataException($"{path} is not a tokenizer cache of format {FormatVersion}.");
        }

        var name = reader.ReadString();
        var flavor = (RegexFlavor)reader.ReadInt32();
        var addPrefixSpace = reader.ReadBoolean();
        var steps = new (string, SplitBehavior)[reader.ReadInt32()];
        for (var i = 0; i < steps.Length; i++)
        {
            steps[i] = (reader.ReadString(), (SplitBehavior)reader.ReadInt32());
        }

        var formValue = reader.ReadInt32();
        NormalizationForm? normalization = formValue < 0 ? null : (NormalizationForm)formValue;
        var prefix = ReadInts(reader);
        var suffix = ReadInts(reader);
        var source = new ChatTemplateSource(ReadNullable(reader), ReadNullable(reader), ReadNullable(reader));
        var added = new AddedToken[reader.ReadInt32()];
        for (var i = 0; i < added.Length; i++)
        {
            added[i] = new AddedToken(reader.ReadInt32(), reader.ReadString(), reader.ReadBoolean());
        }

        var ignoreMerges = reader.ReadBoolean();
        var ids = ReadInts(reader);
        var lengths = ReadInts(reader);
        var blob = new char[reader.ReadInt32()];
        var blobBytes = MemoryMarshal.AsBytes(blob.AsSpan());
        if (reader.Read(blobBytes) != blobBytes.Length || ids.Length != lengths.Length)
        {
            throw new EndOfStreamException();
        }

        var vocab = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        var offset = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            vocab[new string(blob, offset, lengths[i])] = ids[i];
            offset += lengths[i];
        }

        var triples = ReadInts(reader);
        var model = new BpeModel(vocab, triples, ignoreMerges);
        var chat = ChatTemplates.FromTemplateString(source.Template, source.BosToken, source.EosToken);
        return new BpeTokenizer(name, model, new PreTokenizer(steps, addPrefixSpace, flavor), added, normalization, prefix, suffix, chat, source);
    }

    private static string Key(byte[] json, byte[]? config, RegexFlavor flavor)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(json);
        hash.AppendData(config ?? []);
        hash.AppendData(Encoding.UTF8.GetBytes($"|{flavor}|v{FormatVersion}"));
        return Convert.ToHexString(hash.GetHashAndReset())[..32].ToLowerInvariant();
    }

    private static void WriteInts(BinaryWriter writer, int[] values)
    {
        writer.Write(values.Length);
        writer.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static int[] ReadInts(BinaryReader reader)
    {
        var values = new int[reader.ReadInt32()];
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        if (reader.Read(bytes) != bytes.Length)
        {
            throw new EndOfStreamException();
        }

        return values;
    }

    private static void WriteNullable(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    private static string? ReadNullable(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;
}
