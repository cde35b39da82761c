namespace Suite.EndToEnd.Tests.Infrastructure;

/// <summary>Waits on a state, not on time: polls a condition until a generous deadline, and fails naming what it waited for.</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, HostProcess? host = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (host is { HasExited: true })
            {
                throw new InvalidOperationException($"The suite exited while waiting for {what}:\n{host.ReadLog()}");
            }

            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                last = e;
            }

            await Task.Delay(200);
        }

        var log = host is null ? string.Empty : "\n" + Tail(host.ReadLog(), 200);
        throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}{(last is null ? string.Empty : $" (last error: {last.Message})")}.{log}");
    }

    private static string Tail(string log, int lines)
    {
        var all = log.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
