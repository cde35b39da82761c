namespace Suite.ModelWorker.Backends;

/// <summary>A backend's name (cpu, cuda, cann, sim), the device it runs on, and whether its timings are simulated.</summary>
public sealed record BackendInfo(string Name, string Device, bool Simulated, string NativeLibrary);
