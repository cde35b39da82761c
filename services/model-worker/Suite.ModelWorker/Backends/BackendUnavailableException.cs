namespace Suite.ModelWorker.Backends;

/// <summary>
/// The configured backend cannot run on this machine. <see cref="Exception.Message"/> names each missing piece: the
/// setting, the file, the driver library or the visible devices.
/// </summary>
public sealed class BackendUnavailableException : Exception
{
    public BackendUnavailableException(string backend, IReadOnlyList<string> problems)
        : base($"The '{backend}' backend cannot run here: {string.Join(" ", problems)}")
    {
        Backend = backend;
        Problems = problems;
    }

    public string Backend { get; }

    public IReadOnlyList<string> Problems { get; }
}
