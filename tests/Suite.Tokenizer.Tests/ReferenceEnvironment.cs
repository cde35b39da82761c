using System.Diagnostics;

namespace Suite.Tokenizer.Tests;

/// <summary>
/// Finds the JavaScript reference (tests/reference/tokenizer with its node_modules) and node. CI installs it with
/// <c>npm ci --prefix tests/reference/tokenizer</c>; when it is missing the tests try that themselves once, and skip
/// with the reason when node or npm is unavailable. <c>SUITE_TEST_TOKENIZER_REFERENCE</c> may name another folder
/// holding the same scripts and an installed node_modules.
/// </summary>
internal static class ReferenceEnvironment
{
    private static readonly Lazy<string?> _skipReason = new(Prepare);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ReferenceDirectory { get; } =
        Environment.GetEnvironmentVariable("SUITE_TEST_TOKENIZER_REFERENCE") is { Length: > 0 } overridden
            ? Path.GetFullPath(overridden)
            : Path.Combine(RepoRoot, "tests", "reference", "tokenizer");

    public static string DeepSeekTokenizerJson => Path.Combine(
        ReferenceDirectory, "node_modules", "@lenml", "tokenizer-deepseek_v3", "models", "tokenizer.json");

    /// <summary>Null when the reference is usable; otherwise why not.</summary>
    public static string? SkipReason => _skipReason.Value;

    /// <summary>Skips the calling test (xUnit v3 dynamic skip) when the reference is unavailable.</summary>
    public static void RequireReference()
    {
        if (SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    /// <summary>Runs node with the reference folder as working directory; throws with its stderr on failure.</summary>
    public static string RunNode(params string[] arguments)
    {
        var (code, output, error) = Run("node", arguments, TimeSpan.FromMinutes(5));
        if (code != 0)
        {
            throw new InvalidOperationException($"node {string.Join(' ', arguments)} failed ({code}): {error}");
        }

        return output + error;
    }

    private static string? Prepare()
    {
        try
        {
            if (Run("node", ["--version"], TimeSpan.FromSeconds(30)).Code != 0)
            {
                return "node is not available; install Node.js 20+ and run `npm ci --prefix tests/reference/tokenizer`.";
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"node is not available ({e.Message}); install Node.js 20+ and run `npm ci --prefix tests/reference/tokenizer`.";
        }

        if (!File.Exists(DeepSeekTokenizerJson))
        {
            try
            {
                var npm = OperatingSystem.IsWindows() ? "npm.cmd" : "npm";
                var (code, _, error) = Run(npm, ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
                if (code != 0 || !File.Exists(DeepSeekTokenizerJson))
                {
                    return $"The JavaScript reference is not installed and `npm ci` in {ReferenceDirectory} failed: {error}";
                }
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                return $"The JavaScript reference is not installed (run `npm ci --prefix tests/reference/tokenizer`): {e.Message}";
            }
        }

        return null;
    }

    private static (int Code, string Output, string Error) Run(string file, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = ReferenceDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} took longer than {timeout}.");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "tests", "reference", "tokenizer")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
