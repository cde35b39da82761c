using System.Text.Json;
using System.Text.Json.Serialization;

namespace Suite.Gateway.Tenancy;

/// <summary>How limits are stored (PostgreSQL <c>jsonb</c>) and shown (the admin API): snake_case, nulls left out.</summary>
public static class TenancyJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string TierName(TenantTier tier) => tier.ToString().ToLowerInvariant();

    public static bool TryParseTier(string? text, out TenantTier tier)
    {
        tier = TenantTier.Standard;
        return text is not null && text.All(char.IsAsciiLetterLower) && Enum.TryParse(text, ignoreCase: true, out tier);
    }
}
