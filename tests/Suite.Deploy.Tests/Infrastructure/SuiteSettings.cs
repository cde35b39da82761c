using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using Suite.EndToEnd.Tests.Infrastructure;
using Suite.Gateway;
using Suite.Gateway.Jobs;
using Suite.Gateway.Limits;
using Suite.Gateway.Tenancy;
using Suite.ModelWorker;
using Suite.Router;
using Suite.ServiceDefaults.Bus;
using Suite.Telemetry;

namespace Suite.Deploy.Tests.Infrastructure;

/// <summary>
/// Every environment variable the suite's processes read: the bound option classes (<c>Section__Property</c>, lists as
/// <c>Section__Property__0</c>…), the <c>SUITE_*</c> names the code reads directly (found in the source, so a new one
/// cannot be missed), the device-visibility variables, and the two runtime settings the manifests use.
/// </summary>
public static partial class SuiteSettings
{
    public static IReadOnlyList<(string Section, Type Options)> OptionClasses { get; } =
    [
        (GatewayOptions.Section, typeof(GatewayOptions)),
        (TenancyOptions.Section, typeof(TenancyOptions)),
        (JobsOptions.Section, typeof(JobsOptions)),
        (LimitsOptions.Section, typeof(LimitsOptions)),
        (AdmissionOptions.Section, typeof(AdmissionOptions)),
        (RouterOptions.Section, typeof(RouterOptions)),
        (ModelWorkerOptions.Section, typeof(ModelWorkerOptions)),
        (BusOptions.Section, typeof(BusOptions)),
        (TelemetryOptions.Section, typeof(TelemetryOptions)),
    ];

    /// <summary>Read by .NET itself: where Kestrel listens, and which GC a control-plane process uses.</summary>
    public static IReadOnlySet<string> RuntimeVariables { get; } = new HashSet<string>(StringComparer.Ordinal) { "ASPNETCORE_URLS", "DOTNET_gcServer", "OTEL_EXPORTER_OTLP_PROTOCOL" };

    /// <summary>Option settings: name → whether it is a list (indexed).</summary>
    public static IReadOnlyDictionary<string, bool> OptionSettings { get; } = OptionClasses
        .SelectMany(c => c.Options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .Select(p => ($"{c.Section}__{p.Name}", p.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(p.PropertyType))))
        .ToDictionary(s => s.Item1, s => s.Item2, StringComparer.Ordinal);

    /// <summary>Variables the code reads by name (string literals in services/ and gateway/).</summary>
    public static IReadOnlySet<string> DirectVariables { get; } = ScanSource();

    public static IEnumerable<string> All => OptionSettings.Keys.Concat(DirectVariables).Concat(RuntimeVariables);

    /// <summary>True when <paramref name="variable"/> is something the suite reads (a list setting matches with an index).</summary>
    public static bool IsRead(string variable)
    {
        if (RuntimeVariables.Contains(variable) || DirectVariables.Contains(variable) || OptionSettings.ContainsKey(variable))
        {
            return true;
        }

        var indexed = IndexedSetting().Match(variable);
        return indexed.Success && OptionSettings.TryGetValue(indexed.Groups[1].Value, out var isList) && isList;
    }

    /// <summary>The setting a variable sets: <c>Router__BackendPreference__2</c> → <c>Router__BackendPreference</c>.</summary>
    public static string SettingOf(string variable)
    {
        var indexed = IndexedSetting().Match(variable);
        return indexed.Success ? indexed.Groups[1].Value : variable;
    }

    private static HashSet<string> ScanSource()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in new[] { "services", "gateway" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, folder), "*.cs", SearchOption.AllDirectories))
            {
                if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (Match match in VariableLiteral().Matches(File.ReadAllText(file)))
                {
                    names.Add(match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value);
                }
            }
        }

        return names;
    }

    // "SUITE_…" literals, and the device-visibility variables the native-library check reads (inside messages too).
    [GeneratedRegex("\"((?:SUITE|OTEL)_[A-Z0-9_]+)\"|\\b((?:CUDA|ASCEND_RT)_VISIBLE_DEVICES)\\b")]
    private static partial Regex VariableLiteral();

    [GeneratedRegex("^(.+__[A-Za-z]+)__[0-9]+$")]
    private static partial Regex IndexedSetting();
}
