namespace Suite.ModelWorker.Backends;

/// <summary>
/// A backend's name (cpu, cuda, cann, sim), the device it runs on, whether its timings are simulated, and what an hour
/// of it costs when the backend knows (a simulated profile's figure; null for real hardware).
/// </summary>
public sealed record BackendInfo(string Name, string Device, bool Simulated, string NativeLibrary, double? PricePerHourUsd = null);
