namespace Suite.Gateway.Jobs;

/// <summary>A job that can never succeed as sent; it goes to the error queue at once with this reason, never retried.</summary>
public sealed class InvalidJobException(string message) : Exception(message);
