namespace Suite.ModelWorker.Backends.LlamaCpp;

/// <summary>Finds the path of a native library this process has loaded (Linux: /proc/self/maps).</summary>
public static class LoadedNativeLibrary
{
    /// <param name="name">File name prefix, e.g. <c>libllama</c>.</param>
    public static string? Find(string name)
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps))
        {
            return null;
        }

        foreach (var line in File.ReadLines(maps))
        {
            var slash = line.IndexOf('/');
            if (slash < 0)
            {
                continue;
            }

            var path = line[slash..];
            if (Path.GetFileName(path).StartsWith(name + ".", StringComparison.Ordinal))
            {
                return path;
            }
        }

        return null;
    }
}
