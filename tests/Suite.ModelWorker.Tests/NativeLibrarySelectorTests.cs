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

    private static string CompleteDirectory(string deviceLibrary)
    {
        var directory = Directory.CreateTempSubdirectory("suite-native-").FullName;
        foreach (var file in new[] { "libllama.so", "libggml.so", "libggml-base.so", deviceLibrary, "libmtmd.so" })
        {
            File.WriteAllBytes(Path.Combine(directory, file), []);
        }

        return directory;
    }

    private sealed class FakeProbe(bool driverLoads, string? visibleDevices, int devices) : NativeLibraryProbe
    {
        public override string? TryLoad(string nameOrPath) => driverLoads ? null : $"{nameOrPath}: cannot open shared object file";

        public override int? CudaDeviceCount() => devices;

        public override string? GetEnvironmentVariable(string name) => visibleDevices;
    }
}
