using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Suite.Contracts;
using Suite.Gateway.Tenancy;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.Admin;

/// <summary>Reads the admin API's request bodies; every rejection names the field, in OpenAI's error shape.</summary>
internal static partial class AdminInput
{
    public static string? Id(JsonElement body, string name, bool required)
    {
        var value = String(body, name, required, 64);
        if (value is not null && !IdPattern().IsMatch(value))
        {
            throw Fail($"Invalid '{name}': use 1–64 lowercase letters, digits, '-' or '_', starting with a letter or digit.", name);
        }

        return value;
    }

    public static string? String(JsonElement body, string name, bool required, int maxLength)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw Fail($"Missing required parameter: '{name}'.", name, "missing_required_parameter") : null;
        }

        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            throw Fail($"Invalid type for '{name}': expected a non-empty string.", name, "invalid_type");
        }

        return text.Length > maxLength ? throw Fail($"Invalid '{name}': at most {maxLength} characters.", name) : text;
    }

    public static TenantTier? Tier(JsonElement body)
    {
        var text = String(body, "tier", required: false, 16);
        if (text is null)
        {
            return null;
        }

        return TenancyJson.TryParseTier(text, out var tier) ? tier : throw Fail("Invalid 'tier': expected 'low', 'standard' or 'high'.", "tier", "invalid_value");
    }

    public static TenantAccess Access(JsonElement body) => new(Names(body, "allowed_models"), Names(body, "allowed_pools"), Names(body, "allowed_backends"));

    public static TenantLimits Limits(JsonElement body)
    {
        if (!body.TryGetProperty("limits", out var limits) || limits.ValueKind == JsonValueKind.Null)
        {
            return TenantLimits.None;
        }

        if (limits.ValueKind != JsonValueKind.Object)
        {
            throw Fail("Invalid type for 'limits': expected an object.", "limits", "invalid_type");
        }

        string[] known = ["requests_per_minute", "input_tokens_per_minute", "output_tokens_per_minute", "concurrent_requests", "tokens_per_day", "tokens_per_month"];
        foreach (var property in limits.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                throw Fail($"Unknown limit 'limits.{property.Name}'. Known: {string.Join(", ", known)}.", $"limits.{property.Name}");
            }
        }

        return new TenantLimits(
            Positive(limits, "requests_per_minute"),
            Positive(limits, "input_tokens_per_minute"),
            Positive(limits, "output_tokens_per_minute"),
            Positive(limits, "concurrent_requests"),
            Positive(limits, "tokens_per_day"),
            Positive(limits, "tokens_per_month"));
    }

    /// <summary>A time as Unix seconds or an ISO 8601 string; null when absent.</summary>
    public static DateTimeOffset? Time(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var seconds) && seconds is > 0 and < 253_402_300_800 => DateTimeOffset.FromUnixTimeSeconds(seconds),
            JsonValueKind.String when DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) => time.ToUniversalTime(),
            _ => throw Fail($"Invalid '{name}': expected Unix seconds or an ISO 8601 time.", name, "invalid_value"),
        };
    }

    /// <summary>A query-string time as Unix seconds or ISO 8601.</summary>
    public static DateTimeOffset? QueryTime(string? text, string name)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < 253_402_300_800)
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : throw Fail($"Invalid '{name}': expected Unix seconds or an ISO 8601 time.", name, "invalid_value");
    }

    public static void OnlyKnown(JsonElement body, params string[] known)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw Fail("The request body must be a JSON object.", null);
        }

        foreach (var property in body.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                throw Fail($"Unknown parameter: '{property.Name}'.", property.Name, "unknown_parameter");
            }
        }
    }

    public static AdminInputException Fail(string message, string? param, string code = "invalid_value")
        => new(PipelineErrors.Invalid(message, param, code));

    private static List<string> Names(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > 256)
        {
            throw Fail($"Invalid type for '{name}': expected an array of at most 256 names.", name, "invalid_type");
        }

        var names = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { } text || !NamePattern().IsMatch(text))
            {
                throw Fail($"Invalid '{name}': each entry is a name of 1–128 letters, digits, '.', '_', ':' or '-'.", name);
            }

            if (!names.Contains(text, StringComparer.Ordinal))
            {
                names.Add(text);
            }
        }

        return names;
    }

    private static long? Positive(JsonElement limits, string name)
    {
        if (!limits.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number is > 0 and <= 1_000_000_000_000_000
            ? number
            : throw Fail($"Invalid 'limits.{name}': expected a positive integer.", $"limits.{name}");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex NamePattern();
}
