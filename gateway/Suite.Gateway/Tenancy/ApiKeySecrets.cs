using System.Security.Cryptography;
using System.Text;

namespace Suite.Gateway.Tenancy;

/// <summary>
/// API keys: <c>sk-suite-{id}_{secret}</c>, a 12-hex-digit id that finds the stored record and 256 random bits. Only the
/// key's SHA-256 is stored: a key this random cannot be recovered from its hash, so a slow password hash would add
/// latency to every request and no safety. Hashes are compared in constant time.
/// </summary>
public static class ApiKeySecrets
{
    public const string Prefix = "sk-suite-";
    private const int IdLength = 12;
    private const int SecretLength = 64;

    /// <summary>A new key, its id and its hash. The key is shown to whoever created it once, and never stored.</summary>
    public static (string Id, string Key, byte[] Hash) Create()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
        var key = Prefix + id + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SecretLength / 2));
        return (id, key, Hash(key));
    }

    /// <summary>The id part of a key in this format, or false for anything else (a configured shorthand key, garbage).</summary>
    public static bool TryGetId(string key, out string id)
    {
        id = string.Empty;
        if (key.Length != Prefix.Length + IdLength + 1 + SecretLength || !key.StartsWith(Prefix, StringComparison.Ordinal) || key[Prefix.Length + IdLength] != '_')
        {
            return false;
        }

        var candidate = key.AsSpan(Prefix.Length, IdLength);
        if (!IsLowerHex(candidate) || !IsLowerHex(key.AsSpan(Prefix.Length + IdLength + 1)))
        {
            return false;
        }

        id = candidate.ToString();
        return true;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Whether <paramref name="key"/> hashes to <paramref name="hash"/>, in time independent of where they differ.</summary>
    public static bool Matches(string key, byte[] hash) => CryptographicOperations.FixedTimeEquals(Hash(key), hash);

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
