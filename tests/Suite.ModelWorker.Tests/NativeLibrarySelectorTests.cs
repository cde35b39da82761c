using Suite.ModelWorker.Backends;

namespace Suite.ModelWorker.Tests;

public sealed class NativeLibrarySelectorTests
{
    [Fact]
    public void Check_CudaWithoutLibraryPath_NamesSettingAndDriver()
    {
        var error = Assert.Throws<BackendUnavailableException>(
            () => NativeLibrarySelector.Check("cuda", null, NativeLibraryProbe.System));

        Assert.Contains("SUITE_NATIVE_LIBRARY_PATH is not set", error.Message);
        Assert.Contains("libggml-cuda.so", error.Message);
        Assert.Contains(NativeLibrarySelector.LlamaCppCommit, error.Message);
        Assert.Contains("libcuda.so.1 (the NVIDIA driver) could not be loaded", error.Message); // no GPU on this machine
    }

    [Fact]
    public void Check_CannWithMissingDirectory_NamesDirectoryAndRuntime()
    {
        var error = Assert.Throws<BackendUnavailableException>(
            () => NativeLibrarySelector.Check("cann", "/nonexistent/llama-cann", NativeLibraryProbe.System));

        Assert.Contains("SUITE_NATIVE_LIBRARY_PATH='/nonexistent/llama-cann' does not exist", error.Message);
        Assert.Contains("libascendcl.so", error.Message);
        Assert.Equal("cann", error.Backend);
    }

    [Fact]
    public void Check_CudaDirectoryMissingFiles_NamesEachMissingFile()
    {
        var directory = Directory.CreateTempSubdirectory("suite-cuda-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(directory, "libllama.so"), []);
            File.WriteAllBytes(Path.Combine(directory, "libggml.so"), []);

            var error = Assert.Throws<BackendUnavailableException>(
                () => NativeLibrarySelector.Check("cuda", directory, new FakeProbe(driverLoads: true, visibleDevices: "0", devices: 1)));

            Assert.Contains("lacks libggml-base.so, libggml-cuda.so, libmtmd.so", error.Message);
            Assert.DoesNotContain("libcuda.so.1", error.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Check_CudaDriverButNoVisibleDevice_NamesCudaVisibleDevices()
    {
        var directory = CompleteDirectory("libggml-cuda.so");
        try
        {
            var hidden = Assert.Throws<BackendUnavailableException>(
                () => NativeLibrarySelector.Check("cuda", directory, new FakeProbe(driverLoads: true, visibleDevices: "", devices: 0)));
            var none = Assert.Throws<BackendUnavailableException>(
                () => NativeLibrarySelector.Check("cuda", directory, new FakeProbe(driverLoads: true, visibleDevices: null, devices: 0)));
            var ok = NativeLibrarySelector.Check("cuda", directory, new FakeProbe(driverLoads: true, visibleDevices: "0", devices: 1));

            Assert.Contains("CUDA_VISIBLE_DEVICES=''", hidden.Message);
            Assert.Contains("reports no CUDA device", none.Message);
            Assert.Equal(Path.Combine(directory, "libllama.so"), ok.LlamaLibrary);
            Assert.Equal(Path.Combine(directory, "libmtmd.so"), ok.MtmdLibrary);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Check_CannRuntimeButEmptyVisibleDevices_NamesAscendSetting()
    {
        var directory = CompleteDirectory("libggml-cann.so");
        try
        {
            var error = Assert.Throws<BackendUnavailableException>(
                () => NativeLibrarySelector.Check("cann", directory, new FakeProbe(driverLoads: true, visibleDevices: " ", devices: 0)));

            Assert.Contains("ASCEND_RT_VISIBLE_DEVICES", error.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Check_UnknownBackend_Throws()
    {
        var error = Assert.Throws<BackendUnavailableException>(() => NativeLibrarySelector.Check("tpu", null, NativeLibraryProbe.System));

        Assert.Contains("Unknown backend 'tpu'", error.Message);
    }

    [Fact]
    public void Configure_CpuWithoutDirectory_UsesBundledLibraryAndIsIdempotent()
    {
        var first = NativeLibrarySelector.Configure("cpu", null);
        var second = NativeLibrarySelector.Configure("CPU", " ");

        Assert.True(first.UsesBundledLibrary);
        Assert.Same(first, second);
        Assert.Throws<InvalidOperationException>(() => NativeLibrarySelector.Configure("cuda", "/x"));
    }

    [Fact]
    public void Check_CudaBuildOfAnotherCommit_NamesBothCommits()
    {
        var directory = CompleteDirectory("libggml-cuda.so");
        try
        {
            var error = Assert.Throws<BackendUnavailableException>(
                () => NativeLibrarySelector.Check("cuda", directory, new FakeProbe(driverLoads: true, visibleDevices: "0", devices: 1, commit: "a1b2c3d40")));

            Assert.Contains($"{Path.Combine(directory, "libggml-base.so")} is llama.cpp commit a1b2c3d40", error.Message);
            Assert.Contains("LLamaSharp 0.30.0 binds commit 815a2a59 (b10221)", error.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Check_CannBuildWithoutCommitExport_RefusesAndSaysWhy()
    {
        var directory = CompleteDirectory("libggml-cann.so");
        try
        {
            var error = Assert.Throws<BackendUnavailableException>(
                () => NativeLibrarySelector.Check("cann", directory, new FakeProbe(driverLoads: true, visibleDevices: "0", devices: 0, commit: null)));

            Assert.Contains("cannot be read (libggml-base.so does not export ggml_commit())", error.Message);
            Assert.Contains("815a2a59", error.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Check_CudaBuildOfTheBoundCommit_Passes()
    {
        var directory = CompleteDirectory("libggml-cuda.so");
        try
        {
            var selection = NativeLibrarySelector.Check("cuda", directory, new FakeProbe(driverLoads: true, visibleDevices: "0", devices: 1, commit: "815a2a591"));

            Assert.Equal("cuda", selection.Backend);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void VerifyLoadedCommit_LoadedLibraryOfAnotherCommit_NamesBothCommits()
    {
        var probe = new FakeProbe(driverLoads: true, visibleDevices: "0", devices: 1, commit: "a1b2c3d4e", loadedGgmlBase: "/opt/other/libggml-base.so");

        var error = Assert.Throws<BackendUnavailableException>(() => NativeLibrarySelector.VerifyLoadedCommit("cuda", probe));

        Assert.Contains("/opt/other/libggml-base.so is llama.cpp commit a1b2c3d4e", error.Message);
        Assert.Contains("binds commit 815a2a59", error.Message);
        Assert.Equal("cuda", error.Backend);
    }

    [Fact]
    public void VerifyLoadedCommit_NothingLoaded_Refuses()
    {
        var probe = new FakeProbe(driverLoads: true, visibleDevices: "0", devices: 1, loadedGgmlBase: null);

        var error = Assert.Throws<BackendUnavailableException>(() => NativeLibrarySelector.VerifyLoadedCommit("cpu", probe));

        Assert.Contains("libggml-base is not loaded", error.Message);
    }

    [Fact]
    public void GgmlCommit_BundledCpuLibrary_IsTheCommitLLamaSharpBinds()
    {
        // The libraries LLamaSharp.Backend.Cpu 0.30.0 ships (every CPU variant): the constant must describe them.
        var libraries = Directory.EnumerateFiles(AppContext.BaseDirectory, "libggml-base.so", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(libraries);

        foreach (var library in libraries)
        {
            var commit = NativeLibraryProbe.System.GgmlCommit(library, out var error);

            Assert.Null(error);
            Assert.True(NativeLibrarySelector.IsExpectedCommit(commit), $"{library} reports commit '{commit}'");
        }
    }

    [Fact]
    public void GgmlCommit_FileThatIsNotALibrary_ReportsWhy()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("suite-native-").FullName, "libggml-base.so");
        File.WriteAllBytes(path, [1, 2, 3]);
        try
        {
            var commit = NativeLibraryProbe.System.GgmlCommit(path, out var error);

            Assert.Null(commit);
            Assert.Contains("could not be loaded", error);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Theory]
    [InlineData("815a2a591", true)]
    [InlineData("815a2a59", true)]
    [InlineData("815A2A591", true)]
    [InlineData("815a2a5", true)]
    [InlineData("815a2a", false)]
    [InlineData("a1b2c3d4", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsExpectedCommit_AbbreviatedIds_MatchByPrefix(string? reported, bool expected)
        => Assert.Equal(expected, NativeLibrarySelector.IsExpectedCommit(reported));

    private static string CompleteDirectory(string deviceLibrary)
    {
        var directory = Directory.CreateTempSubdirectory("suite-native-").FullName;
        foreach (var file in new[] { "libllama.so", "libggml.so", "libggml-base.so", deviceLibrary, "libmtmd.so" })
        {
            File.WriteAllBytes(Path.Combine(directory, file), []);
        }

        return directory;
    }

    private sealed class FakeProbe(
        bool driverLoads,
        string? visibleDevices,
        int devices,
        string? commit = "815a2a591",
        string? loadedGgmlBase = "/opt/llama/libggml-base.so") : NativeLibraryProbe
    {
        public override string? TryLoad(string nameOrPath) => driverLoads ? null : $"{nameOrPath}: cannot open shared object file";

        public override int? CudaDeviceCount() => devices;

        public override string? GetEnvironmentVariable(string name) => visibleDevices;

        public override string? GgmlCommit(string libraryPath, out string? error)
        {
            error = commit is null ? $"{Path.GetFileName(libraryPath)} does not export ggml_commit()" : null;
            return commit;
        }

        public override string? FindLoadedLibrary(string name) => loadedGgmlBase;
    }
}
