namespace Suite.ModelWorker.Backends;

/// <summary>
/// A backend's name (cpu, cuda, cann, sim), the device it runs on, whether its timings are simulated, what an hour
/// of it costs when the backend knows (a simulated profile's figure; null for real hardware), and whether it can
/// constrain sampling (a grammar for structured output, logit biases); one that cannot is never given such a request.
/// </summary>
public sealed record BackendInfo(string Name, string Device, bool Simulated, string NativeLibrary, double? PricePerHourUsd = null, bool ConstrainedDecoding = false);
