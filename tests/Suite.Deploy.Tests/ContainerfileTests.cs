using System.Collections.Concurrent;
using Suite.Deploy.Tests.Infrastructure;
using Suite.EndToEnd.Tests.Infrastructure;
using Suite.ModelWorker.Backends;

namespace Suite.Deploy.Tests;

/// <summary>
/// The images cannot be built here (no container engine), so their recipes are held to the build instead: the publish
/// output each one copies exists, the entry assembly is in it, ports agree with the manifests, and the accelerator
/// images build the llama.cpp commit, and put in the folder, that the worker's native-library check requires.
/// </summary>
[Collection(ManifestCollection.Name)]
public sealed class ContainerfileTests(RenderedManifests manifests)
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Published = new(StringComparer.Ordinal);

    public static TheoryData<string> Containerfiles() => [.. Containerfile.Names];

    public static TheoryData<string> AcceleratorImages() => ["worker-cuda", "worker-cann"];

    [Fact]
    public void Every_suite_image_in_the_manifests_has_a_Containerfile_that_listens_where_the_Pod_expects()
    {
        foreach (var workload in manifests.Renders.Values.SelectMany(Workload.In).Where(w => w.SuiteImage is not null))
        {
            Assert.Contains(workload.SuiteImage!, Containerfile.Names);
            var image = Containerfile.Load(workload.SuiteImage!);
            var port = Assert.Single(workload.ContainerPorts()).Port;
            Assert.Equal(port, image.ExposedPort);
            Assert.Equal($"http://+:{port}", image.Env("ASPNETCORE_URLS"));
        }
    }

    [Theory]
    [MemberData(nameof(Containerfiles))]
    public async Task Publish_output_the_Containerfile_copies_exists(string name)
    {
        var image = Containerfile.Load(name);
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, image.PublishedProject)), $"{name} publishes {image.PublishedProject}, which does not exist");
        Assert.Contains(image.CopiedFromBuild, c => c.TrimEnd('/') == image.PublishOutput.TrimEnd('/'));

        var output = await PublishAsync(image.PublishedProject);

        Assert.True(File.Exists(Path.Combine(output, image.EntryAssembly)), $"{image.EntryAssembly} is not in the publish output of {image.PublishedProject}");
        Assert.True(File.Exists(Path.Combine(output, Path.ChangeExtension(image.EntryAssembly, ".runtimeconfig.json"))));
        if (name.StartsWith("worker-", StringComparison.Ordinal))
        {
            // LLamaSharp's bundled CPU build (cpu and sim pools; the fallback layout LLamaSharp resolves).
            foreach (var library in new[] { "libllama.so", "libggml.so", "libggml-base.so", "libggml-cpu.so", "libmtmd.so" })
            {
                Assert.True(File.Exists(Path.Combine(output, "runtimes", "linux-x64", "native", "avx2", library)), $"publish output lacks runtimes/linux-x64/native/avx2/{library}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(AcceleratorImages))]
    public void Accelerator_image_puts_the_libraries_the_worker_requires_where_SUITE_NATIVE_LIBRARY_PATH_points(string name)
    {
        var image = Containerfile.Load(name);
        var backend = name["worker-".Length..];
        var folder = image.Env("SUITE_NATIVE_LIBRARY_PATH")!;
        var libraries = image.Arg("NATIVE_LIBRARIES")!.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // The worker's own check, run against what the image holds (driver and device present, as on the target node).
        var selection = NativeLibrarySelector.Check(backend, folder, new ImageProbe(folder, libraries, image.Arg("LLAMA_CPP_COMMIT")!));

        Assert.Equal(Path.Combine(folder, "libllama.so"), selection.LlamaLibrary);
        Assert.Equal(backend, image.Env("SUITE_BACKEND"));
        Assert.Contains(folder, image.Env("LD_LIBRARY_PATH")!.Split(':'));
        Assert.Contains(image.Instructions, i => i.Contains($"cp -P {{}} {folder}/", StringComparison.Ordinal));
        Assert.Contains(image.Instructions, i => i.Contains($"-DGGML_{backend.ToUpperInvariant()}=ON", StringComparison.Ordinal));
        foreach (var worker in manifests.Renders.Values.SelectMany(Workload.In).Where(w => w.SuiteImage == name))
        {
            Assert.Equal(folder, worker.Value("SUITE_NATIVE_LIBRARY_PATH"));
        }
    }

    [Theory]
    [MemberData(nameof(AcceleratorImages))]
    public void Accelerator_image_builds_the_llama_cpp_commit_LLamaSharp_binds_and_checks_it_after_cloning(string name)
    {
        var image = Containerfile.Load(name);

        Assert.Equal(NativeLibrarySelector.LlamaCppCommit, image.Arg("LLAMA_CPP_COMMIT"));
        Assert.Equal(NativeLibrarySelector.LlamaCppRelease, image.Arg("LLAMA_CPP_RELEASE"));
        Assert.Contains(image.Instructions, i => i.Contains("--branch \"${LLAMA_CPP_RELEASE}\"", StringComparison.Ordinal)
            && i.Contains("rev-parse HEAD | cut -c1-8)\" = \"${LLAMA_CPP_COMMIT}\"", StringComparison.Ordinal));
    }

    private static Task<string> PublishAsync(string project)
        => Published.GetOrAdd(project, p => new Lazy<Task<string>>(async () =>
        {
            // --no-build: the solution build already compiled it; this is the file layout `dotnet publish` gives the image.
            var output = Path.Combine(RenderedManifests.ArtifactRoot, "publish", Path.GetFileNameWithoutExtension(p));
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }

            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var (exit, stdout, stderr) = await ProcessRunner.RunAsync(
                "dotnet", ["publish", Path.Combine(RepositoryPaths.Root, p), "-c", configuration, "--no-build", "--no-self-contained", "-o", output, "-nologo", "-v:q"],
                RepositoryPaths.Root,
                TimeSpan.FromMinutes(5));
            return exit == 0 ? output : throw new InvalidOperationException($"dotnet publish {p} failed ({exit}): {stdout}{stderr}");
        })).Value;

    /// <summary>The machine inside the image on its target node: these files in the folder, the driver and a device present.</summary>
    private sealed class ImageProbe(string folder, string[] libraries, string commit) : NativeLibraryProbe
    {
        public override bool DirectoryExists(string path) => path == folder;

        public override bool FileExists(string path) => Path.GetDirectoryName(path) == folder && libraries.Contains(Path.GetFileName(path));

        public override string? TryLoad(string nameOrPath) => null;

        public override int? CudaDeviceCount() => 1;

        public override string? GetEnvironmentVariable(string name) => null;

        public override string? GgmlCommit(string libraryPath, out string? error)
        {
            error = null;
            return commit;
        }
    }
}
