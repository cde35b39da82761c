using LLama.Native;

namespace Suite.ModelWorker.Backends;

/// <summary>
/// Chooses the llama.cpp native library once per process, before any other LLamaSharp call. cpu uses LLamaSharp's
/// bundled build (or a build in SUITE_NATIVE_LIBRARY_PATH when given); cuda and cann need a directory holding
/// libllama.so, libggml*.so and libmtmd.so built from llama.cpp commit 815a2a59 (release b10221, the one LLamaSharp
/// 0.30.0 binds: its structs are passed by fixed layout, so another commit's build can load and then abort) plus a
/// working driver. The commit is checked twice: in the directory before anything loads, and in the libggml-base the
/// process really loaded (the dynamic linker may resolve it elsewhere, e.g. through LD_LIBRARY_PATH). Every missing
/// piece is named in one <see cref="BackendUnavailableException"/>.
/// </summary>
public static class NativeLibrarySelector
{
    public const string LibraryPathSetting = "SUITE_NATIVE_LIBRARY_PATH";
    /// <summary>
    /// The llama.cpp commit LLamaSharp 0.30.0 binds: its bundled libggml-base.so reports <c>815a2a591</c> from
    /// <c>ggml_commit()</c>, and its managed structs match llama.cpp at that commit, whatever the package's release
    /// notes name.
    /// </summary>
    public const string LlamaCppCommit = "815a2a59";

    /// <summary>The llama.cpp release tag of <see cref="LlamaCppCommit"/>.</summary>
    public const string LlamaCppRelease = "b10221";

    private static readonly Lock Gate = new();
    private static NativeLibrarySelection? _selection;

    /// <summary>The selection made in this process, or null before <see cref="Configure"/>.</summary>
    public static NativeLibrarySelection? Current
    {
        get
        {
            lock (Gate)
            {
                return _selection;
            }
        }
    }

    /// <summary>
    /// Configures LLamaSharp for <paramref name="backend"/> (cpu, cuda, cann). Calling again with the same arguments
    /// returns the first result; different arguments throw, since a process can load only one llama.cpp.
    /// </summary>
    public static NativeLibrarySelection Configure(string backend, string? libraryDirectory, NativeLibraryProbe? probe = null)
    {
        lock (Gate)
        {
            var normalized = backend.Trim().ToLowerInvariant();
            var directory = string.IsNullOrWhiteSpace(libraryDirectory) ? null : libraryDirectory.Trim();
            if (_selection is { } existing)
            {
                if (existing.Backend == normalized && existing.LibraryDirectory == directory)
                {
                    return existing;
                }

                throw new InvalidOperationException(
                    $"The native library was already selected for '{existing.Backend}' ({existing.LibraryDirectory ?? "bundled"}); a process can load only one llama.cpp.");
            }

            var selection = Check(normalized, directory, probe ?? NativeLibraryProbe.System);
            if (selection.LlamaLibrary is { } llama)
            {
                if (NativeLibraryConfig.LLama.LibraryHasLoaded)
                {
                    throw new InvalidOperationException(
                        "LLamaSharp already loaded its native library; select the backend before any other LLamaSharp call.");
                }

                NativeLibraryConfig.All.WithLibrary(llama, selection.MtmdLibrary);
            }

            // Load now (LLamaSharp's resolution runs in NativeApi's static constructor) so the commit of what really
            // loaded is checked before a model is, and before any struct crosses into a library that could misread it.
            NativeApi.llama_empty_call();
            VerifyLoadedCommit(normalized, probe ?? NativeLibraryProbe.System);
            _selection = selection;
            return selection;
        }
    }

    /// <summary>
    /// Checks that <paramref name="backend"/> can run, without touching LLamaSharp: the directory and its files, then the
    /// driver library and visible devices. Throws <see cref="BackendUnavailableException"/> naming everything missing.
    /// </summary>
    public static NativeLibrarySelection Check(string backend, string? libraryDirectory, NativeLibraryProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        switch (backend)
        {
            case "cpu" when libraryDirectory is null:
                return new NativeLibrarySelection("cpu", null, null, null);
            case "cpu":
                {
                    var problems = new List<string>();
                    var selection = CheckDirectory("cpu", libraryDirectory, "libggml-cpu.so", probe, problems);
                    return problems.Count == 0 ? selection : throw new BackendUnavailableException("cpu", problems);
                }

            case "cuda":
                {
                    var problems = new List<string>();
                    var selection = CheckDirectory("cuda", libraryDirectory, "libggml-cuda.so", probe, problems);
                    var driverError = probe.TryLoad("libcuda.so.1");
                    if (driverError is not null)
                    {
                        problems.Add($"libcuda.so.1 (the NVIDIA driver) could not be loaded: {driverError}.");
                    }
                    else
                    {
                        var visible = probe.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES");
                        var count = probe.CudaDeviceCount();
                        if (visible is not null && (visible.Trim().Length == 0 || visible.Trim() == "-1"))
                        {
                            problems.Add($"No CUDA device is visible: CUDA_VISIBLE_DEVICES='{visible}'.");
                        }
                        else if (count == 0)
                        {
                            problems.Add($"The NVIDIA driver reports no CUDA device (CUDA_VISIBLE_DEVICES='{visible ?? "<unset>"}').");
                        }
                    }

                    return problems.Count == 0 ? selection : throw new BackendUnavailableException("cuda", problems);
                }

            case "cann":
                {
                    var problems = new List<string>();
                    var selection = CheckDirectory("cann", libraryDirectory, "libggml-cann.so", probe, problems);
                    var driverError = probe.TryLoad("libascendcl.so");
                    if (driverError is not null)
                    {
                        problems.Add($"libascendcl.so (the Ascend CANN runtime) could not be loaded: {driverError} "
                            + "(source the CANN set_env.sh so LD_LIBRARY_PATH holds it).");
                    }
                    else
                    {
                        var visible = probe.GetEnvironmentVariable("ASCEND_RT_VISIBLE_DEVICES");
                        if (visible is not null && visible.Trim().Length == 0)
                        {
                            problems.Add("No Ascend NPU is visible: ASCEND_RT_VISIBLE_DEVICES is empty.");
                        }
                    }

                    return problems.Count == 0 ? selection : throw new BackendUnavailableException("cann", problems);
                }

            default:
                throw new BackendUnavailableException(backend, [$"Unknown backend '{backend}'; expected cpu, cuda or cann."]);
        }
    }

    /// <summary>
    /// Checks the commit of the libggml-base this process has loaded. Throws <see cref="BackendUnavailableException"/>
    /// naming both commits on a mismatch, or when the loaded library cannot tell.
    /// </summary>
    public static void VerifyLoadedCommit(string backend, NativeLibraryProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var loaded = probe.FindLoadedLibrary("libggml-base");
        if (loaded is null && !OperatingSystem.IsLinux())
        {
            return; // the loaded-library lookup reads /proc/self/maps; elsewhere only the directory check runs
        }

        var problem = loaded is null
            ? "libggml-base is not loaded in this process, so the llama.cpp commit cannot be checked."
            : CommitProblem(loaded, probe);
        if (problem is not null)
        {
            throw new BackendUnavailableException(backend, [problem]);
        }
    }

    /// <summary>
    /// True when a commit id reported by <c>ggml_commit()</c> is <see cref="LlamaCppCommit"/>: one id is a prefix of
    /// the other (builds abbreviate to 8 or 9 hex digits), and at least 7 digits agree.
    /// </summary>
    public static bool IsExpectedCommit(string? reported)
    {
        var id = reported?.Trim().ToLowerInvariant();
        return id is { Length: >= 7 }
            && (id.StartsWith(LlamaCppCommit, StringComparison.Ordinal) || LlamaCppCommit.StartsWith(id, StringComparison.Ordinal));
    }

    private static string? CommitProblem(string libraryPath, NativeLibraryProbe probe)
    {
        var reported = probe.GgmlCommit(libraryPath, out var error);
        if (reported is null)
        {
            return $"The llama.cpp commit of {libraryPath} cannot be read ({error}); LLamaSharp 0.30.0 needs a build of "
                + $"commit {LlamaCppCommit} ({LlamaCppRelease}).";
        }

        return IsExpectedCommit(reported)
            ? null
            : $"{libraryPath} is llama.cpp commit {reported.Trim()}, but LLamaSharp 0.30.0 binds commit {LlamaCppCommit} "
                + $"({LlamaCppRelease}): its structs are passed by fixed layout, so this build would load and then fail. "
                + $"Build llama.cpp at {LlamaCppCommit}.";
    }

    private static NativeLibrarySelection CheckDirectory(
        string backend,
        string? directory,
        string deviceLibrary,
        NativeLibraryProbe probe,
        List<string> problems)
    {
        var build = backend == "cpu" ? "a CPU build" : $"a build with -DGGML_{backend.ToUpperInvariant()}=ON";
        if (directory is null)
        {
            problems.Add($"{LibraryPathSetting} is not set: the {backend} backend needs a directory holding libllama.so, "
                + $"libggml*.so ({deviceLibrary} among them) and libmtmd.so from {build} of llama.cpp commit {LlamaCppCommit}.");
            return new NativeLibrarySelection(backend, null, null, null);
        }

        if (!probe.DirectoryExists(directory))
        {
            problems.Add($"{LibraryPathSetting}='{directory}' does not exist.");
            return new NativeLibrarySelection(backend, directory, null, null);
        }

        string[] required = ["libllama.so", "libggml.so", "libggml-base.so", deviceLibrary, "libmtmd.so"];
        var missing = required.Where(f => !probe.FileExists(Path.Combine(directory, f))).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"{LibraryPathSetting}='{directory}' lacks {string.Join(", ", missing)} ({build} of llama.cpp commit {LlamaCppCommit} is needed).");
        }
        else if (CommitProblem(Path.Combine(directory, "libggml-base.so"), probe) is { } commitProblem)
        {
            problems.Add(commitProblem);
        }

        return new NativeLibrarySelection(
            backend, directory, Path.Combine(directory, "libllama.so"), Path.Combine(directory, "libmtmd.so"));
    }
}
