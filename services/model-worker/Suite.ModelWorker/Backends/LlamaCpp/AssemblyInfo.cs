using System.Runtime.CompilerServices;

// The tests read KV diagnostics that are not part of the backend's public surface.
[assembly: InternalsVisibleTo("Suite.ModelWorker.Tests")]
