namespace Suite.ModelWorker.Backends;

/// <summary>Which llama.cpp build this process uses: LLamaSharp's bundled CPU build, or one loaded from a directory.</summary>
public sealed record NativeLibrarySelection(string Backend, string? LibraryDirectory, string? LlamaLibrary, string? MtmdLibrary)
{
    public bool UsesBundledLibrary => LlamaLibrary is null;
}
