namespace Suite.EndToEnd.Tests.Infrastructure;

/// <summary>Finds the repository and the built host programs, so tests run the real processes.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The built DLL of a host project, e.g. <c>gateway/Suite.Gateway.Host</c>, in this test's configuration.</summary>
    public static string HostDll(string projectFolder)
    {
        var name = Path.GetFileName(projectFolder);
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var bin = Path.Combine(Root, projectFolder, "bin", configuration);
        var dll = Directory.Exists(bin)
            ? Directory.EnumerateFiles(bin, name + ".dll", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        return dll ?? throw new FileNotFoundException($"{name}.dll is not built under {bin}; build the solution first (dotnet build Suite.sln).");
    }

    /// <summary>Where generated smoke-test models are cached across test runs (generation is deterministic).</summary>
    public static string ModelCache { get; } = Environment.GetEnvironmentVariable("SUITE_TEST_MODEL_CACHE")
        ?? Path.Combine(Path.GetTempPath(), "suite-test-models");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Suite.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Suite.sln not found above " + AppContext.BaseDirectory);
    }
}
