namespace WherebyGrains.Testing;

/// <summary>Polls for what happens after an acknowledgement (hand-offs, index registration).</summary>
public static class Eventually
{
    /// <summary>Reads until <paramref name="condition"/> holds or <paramref name="timeout"/> passes; returns the last value read.</summary>
    public static async Task<T> Async<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan? timeout = null)
    {
        // Generous: hand-offs and registrations follow acknowledgements and can lag on a loaded 2-core machine;
        // a poll that succeeds returns at once.
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var value = await read();
            if (condition(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }
            await Task.Delay(50);
        }
    }
}
