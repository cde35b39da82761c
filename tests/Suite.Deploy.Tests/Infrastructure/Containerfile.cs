using System.Text.RegularExpressions;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.Deploy.Tests.Infrastructure;

/// <summary>One file of infra/containers, read instruction by instruction (continuation lines joined).</summary>
public sealed partial class Containerfile
{
    private Containerfile(string path)
    {
        Path = path;
        Name = System.IO.Path.GetFileNameWithoutExtension(path);
        var joined = Regex.Replace(File.ReadAllText(path), @"\\\r?\n", " ");
        Instructions = joined.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();
    }

    public static string Folder { get; } = System.IO.Path.Combine(RepositoryPaths.Root, "infra", "containers");

    public static IReadOnlyList<string> Names { get; } = Directory.EnumerateFiles(Folder, "*.Containerfile")
        .Select(System.IO.Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToList()!;

    public string Path { get; }

    /// <summary>File name without extension: the image name under suite/ (gateway, worker-cuda…).</summary>
    public string Name { get; }

    public IReadOnlyList<string> Instructions { get; }

    /// <summary>The project the build stage publishes, relative to the repository root.</summary>
    public string PublishedProject => Single(PublishCommand(), 1);

    /// <summary>Where the build stage publishes to.</summary>
    public string PublishOutput => Single(PublishCommand(), 2);

    /// <summary>What the final stage copies from the build stage.</summary>
    public IReadOnlyList<string> CopiedFromBuild => Instructions.Select(i => CopyFromBuild().Match(i)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();

    public string EntryAssembly => Single(EntryPoint(), 1);

    public int ExposedPort => int.Parse(Single(Expose(), 1), System.Globalization.CultureInfo.InvariantCulture);

    public static Containerfile Load(string name) => new(System.IO.Path.Combine(Folder, name + ".Containerfile"));

    /// <summary>An ENV value of the final stage (the last definition wins).</summary>
    public string? Env(string name)
        => FinalStage().Where(i => i.StartsWith("ENV ", StringComparison.Ordinal))
            .SelectMany(i => Assignment().Matches(i).Select(m => (m.Groups[1].Value, m.Groups[2].Value.Trim('"'))))
            .LastOrDefault(a => a.Item1 == name).Item2;

    /// <summary>An ARG default anywhere in the file.</summary>
    public string? Arg(string name)
        => Instructions.Where(i => i.StartsWith("ARG ", StringComparison.Ordinal))
            .Select(i => Assignment().Match(i["ARG ".Length..]))
            .Where(m => m.Success && m.Groups[1].Value == name)
            .Select(m => m.Groups[2].Value.Trim('"'))
            .LastOrDefault();

    public override string ToString() => Name;

    private IEnumerable<string> FinalStage()
    {
        var last = Instructions.Select((i, n) => (i, n)).Last(x => x.i.StartsWith("FROM ", StringComparison.Ordinal)).n;
        return Instructions.Skip(last);
    }

    private string Single(Regex pattern, int group)
    {
        var matches = Instructions.Select(i => pattern.Match(i)).Where(m => m.Success).ToList();
        return matches.Count == 1 ? matches[0].Groups[group].Value : throw new InvalidOperationException($"{Name}: expected one match of {pattern}, found {matches.Count}.");
    }

    [GeneratedRegex(@"dotnet publish (\S+\.csproj)\b.*\s-o (\S+)")]
    private static partial Regex PublishCommand();

    [GeneratedRegex(@"^COPY --from=build (\S+) ")]
    private static partial Regex CopyFromBuild();

    [GeneratedRegex("""^ENTRYPOINT \["dotnet", "([^"]+\.dll)"\]""")]
    private static partial Regex EntryPoint();

    [GeneratedRegex(@"^EXPOSE ([0-9]+)")]
    private static partial Regex Expose();

    [GeneratedRegex("""([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)""")]
    private static partial Regex Assignment();
}
