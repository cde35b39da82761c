using System.Runtime.InteropServices;

namespace Suite.ModelWorker.Backends;

/// <summary>
/// What the selector asks of the machine: whether a library loads, the environment, files. A seam so tests can
/// exercise the "driver present" paths that this CPU-only machine cannot.
/// </summary>
public class NativeLibraryProbe
{
    public static NativeLibraryProbe System { get; } = new();

    /// <summary>Loads a library by name or path; returns an error text, or null when it loaded.</summary>
    public virtual string? TryLoad(string nameOrPath)
    {
        try
        {
            NativeLibrary.Load(nameOrPath);
            return null;
        }
        catch (DllNotFoundException e)
        {
            return e.Message;
        }
        catch (BadImageFormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>Number of CUDA devices the loaded driver reports, or null when it cannot be asked.</summary>
    public virtual unsafe int? CudaDeviceCount()
    {
        if (!NativeLibrary.TryLoad("libcuda.so.1", out var handle)
            || !NativeLibrary.TryGetExport(handle, "cuInit", out var init)
            || !NativeLibrary.TryGetExport(handle, "cuDeviceGetCount", out var getCount))
        {
            return null;
        }

        if (((delegate* unmanaged<uint, int>)init)(0) != 0)
        {
            return 0;
        }

        int count;
        return ((delegate* unmanaged<int*, int>)getCount)(&count) == 0 ? count : 0;
    }

    /// <summary>
    /// The llama.cpp commit a ggml library was built from, as its exported <c>ggml_commit()</c> reports it (e.g.
    /// <c>815a2a591</c>); null with <paramref name="error"/> set when the library does not load or lacks the export.
    /// </summary>
    public virtual unsafe string? GgmlCommit(string libraryPath, out string? error)
    {
        nint handle;
        try
        {
            handle = NativeLibrary.Load(libraryPath);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            error = $"{libraryPath} could not be loaded: {e.Message}";
            return null;
        }

        if (!NativeLibrary.TryGetExport(handle, "ggml_commit", out var export))
        {
            error = $"{libraryPath} does not export ggml_commit()";
            return null;
        }

        error = null;
        return Marshal.PtrToStringUTF8((nint)((delegate* unmanaged<byte*>)export)());
    }

    /// <summary>Path of a native library already loaded into this process (e.g. <c>libggml-base</c>), or null.</summary>
    public virtual string? FindLoadedLibrary(string name) => LlamaCpp.LoadedNativeLibrary.Find(name);

    public virtual string? GetEnvironmentVariable(string name) => Environment.GetEnvironmentVariable(name);

    public virtual bool DirectoryExists(string path) => Directory.Exists(path);

    public virtual bool FileExists(string path) => File.Exists(path);
}
