namespace WherebyGrains.Testing;

/// <summary>Polls for what happens after an acknowledgement (hand-offs, index registration).</summary>
public static class Eventually
{
    /// <summary>
    /// Reads until <paramref name="condition"/> holds and returns that value; throws when
    /// <paramref name="timeout"/> passes first (a wait that returned anyway could never fail).
    /// </summary>
    public static async Task<T> Async<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan? timeout = null)
    {
        // Generous: hand-offs and registrations follow acknowledgements and can lag on a loaded 2-core machine;
        // a poll that succeeds returns at once.
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The condition did not hold within {timeout ?? TimeSpan.FromSeconds(60)}; last value read: {value}");
            }
            await Task.Delay(50);
        }
    }
}
