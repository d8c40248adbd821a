namespace WherebyGrains.Grains.Tests;

/// <summary>
/// Writes of one kind of grain state that the test holds back until it lets them go: the real
/// memory storage behind a gate, to catch what interleaves with a write in flight.
/// </summary>
public sealed class HeldWrites
{
    private readonly object _lock = new();
    private TaskCompletionSource _release = Released();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The state name whose writes are held.</summary>
    public string? StateName { get; private set; }

    /// <summary>Holds writes of <paramref name="stateName"/> from now on.</summary>
    public void Hold(string stateName)
    {
        lock (_lock)
        {
            StateName = stateName;
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Completes when a held write is waiting.</summary>
    public Task Arrived => _arrived.Task;

    /// <summary>Lets every held write go, and holds no more.</summary>
    public void Release()
    {
        lock (_lock)
        {
            StateName = null;
            _release.TrySetResult();
        }
    }

    internal Task WaitAsync(string stateName)
    {
        lock (_lock)
        {
            if (stateName != StateName)
            {
                return Task.CompletedTask;
            }
            _arrived.TrySetResult();
            return _release.Task;
        }
    }

    private static TaskCompletionSource Released()
    {
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        released.SetResult();
        return released;
    }
}

/// <summary>The cluster of <see cref="ClusterFixture"/> whose grain-state writes the test can hold.</summary>
public sealed class HeldWritesFixture : ClusterFixture
{
    public HeldWrites Held { get; } = new();

    protected override void Configure(ISiloBuilder silo) => AddInterceptedStorage(silo, Held.WaitAsync);
}
