namespace WherebyGrains.Grains;

/// <summary>
/// Bounds the grain-state writes one silo has in flight. Storage that falls behind then sees a
/// steady queue instead of a flood of requests that time out, and the writes waiting here keep
/// gathering changes, so each one carries more (batching under pressure).
/// </summary>
public sealed class StorageWriteGate(int maxConcurrentWrites)
{
    private readonly SemaphoreSlim _permits = new(maxConcurrentWrites, maxConcurrentWrites);

    /// <summary>No bound: for tests and single grains that need none.</summary>
    public static StorageWriteGate Unbounded { get; } = new(int.MaxValue);

    /// <summary>Waits for a permit; dispose it when the write is done.</summary>
    public async ValueTask<IDisposable> EnterAsync()
    {
        await _permits.WaitAsync();
        return new Permit(_permits);
    }

    private sealed class Permit(SemaphoreSlim permits) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                permits.Release();
            }
        }
    }
}
