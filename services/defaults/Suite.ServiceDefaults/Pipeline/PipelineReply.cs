namespace Suite.ServiceDefaults.Pipeline;

/// <summary>A message to send to <paramref name="Address"/> when a handler failed (for example, the request's failure to its gateway).</summary>
public sealed record PipelineReply(Uri Address, object Message);
