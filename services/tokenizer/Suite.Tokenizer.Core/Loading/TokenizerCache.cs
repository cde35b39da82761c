using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Suite.Tokenizer.Core.Bpe;
using Suite.Tokenizer.Core.Templates;

namespace Suite.Tokenizer.Core.Loading;

/// <summary>
/// A compact binary form of a built <see cref="BpeTokenizer"/>, so a server start does not re-parse an 8 MB
/// tokenizer.json and re-resolve 127K merge strings. Files are keyed by the SHA-256 of the source files (plus this
/// format's version), so an edited tokenizer.json never loads a stale cache. The folder is
/// <c>SUITE_TOKENIZER_CACHE</c>, or <c>suite-tokenizer-cache</c> under the temp folder.
/// </summary>
public static class TokenizerCache
{
    private const int FormatVersion = 3;
    private const uint Magic = 0x4B4F5453; // "STOK"

    public static string DefaultDirectory =>
        Environment.GetEnvironmentVariable("SUITE_TOKENIZER_CACHE") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), "suite-tokenizer-cache");

    /// <summary>
    /// Like <see cref="TokenizerLoader.FromTokenizerJson(string)"/>, through the cache: the first call builds from JSON
    /// and writes the cache; later calls read it. A damaged cache file is rebuilt.
    /// </summary>
    public static BpeTokenizer FromTokenizerJson(string path, string? cacheDirectory = null)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, "tokenizer.json") : path;
        var configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, "tokenizer_config.json");
        var json = File.ReadAllBytes(file);
        var config = File.Exists(configPath) ? File.ReadAllBytes(configPath) : null;
        var key = Key(json, config);
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
        var tokenizer = TokenizerLoader.FromTokenizerJson(json, config, name);
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
        var pipeline = tokenizer.Pipeline;
        writer.Write(pipeline.NormalizerJson);
        writer.Write(pipeline.PreTokenizerJson);
        writer.Write(pipeline.DecoderJson);
        var options = tokenizer.Model.Options;
        writer.Write(options.ByteLevel);
        writer.Write(options.IgnoreMerges);
        writer.Write(options.ByteFallback);
        WriteNullable(writer, options.UnknownToken);
        writer.Write(options.FuseUnknown);
        WriteInts(writer, tokenizer.PrefixTokens.ToArray());
        WriteInts(writer, tokenizer.SuffixTokens.ToArray());
        var source = tokenizer.ChatTemplateSource;
        WriteNullable(writer, source?.Template);
        var special = source?.SpecialTokens ?? new Dictionary<string, string>();
        writer.Write(special.Count);
        foreach (var (name, text) in special)
        {
            writer.Write(name);
            writer.Write(text);
        }

        writer.Write(tokenizer.AddedTokens.Count);
        foreach (var token in tokenizer.AddedTokens)
        {
            writer.Write(token.Id);
            writer.Write(token.Content);
            writer.Write(token.Special);
            writer.Write(token.Normalized);
        }

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
        var pipeline = PipelineReader.Read(reader.ReadString(), reader.ReadString(), reader.ReadString());
        var options = new BpeModelOptions(reader.ReadBoolean(), reader.ReadBoolean(), reader.ReadBoolean(), ReadNullable(reader), reader.ReadBoolean());
        var prefix = ReadInts(reader);
        var suffix = ReadInts(reader);
        var template = ReadNullable(reader);
        var special = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = reader.ReadInt32(); i > 0; i--)
        {
            special[reader.ReadString()] = reader.ReadString();
        }

        var added = new AddedToken[reader.ReadInt32()];
        for (var i = 0; i < added.Length; i++)
        {
            added[i] = new AddedToken(reader.ReadInt32(), reader.ReadString(), reader.ReadBoolean(), reader.ReadBoolean());
        }

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

        var model = new BpeModel(vocab, ReadInts(reader), options);
        var source = new ChatTemplateSource(template, special);
        return new BpeTokenizer(name, model, pipeline, added, prefix, suffix, source, ChatTemplateFactory.Create(source));
    }

    private static string Key(byte[] json, byte[]? config)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(json);
        hash.AppendData(config ?? []);
        hash.AppendData(Encoding.UTF8.GetBytes($"|v{FormatVersion}"));
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
