namespace WherebyGrains.Grains;

/// <summary>
/// Shares durable writes between the calls of one reentrant grain: a call that changed state
/// awaits a write that started after its change. At most one write is in flight (so no ETag
/// conflicts with ourselves); every change made while it runs shares the next one. A call whose
/// change was in a failed write sees that failure; calls whose changes were not wait for the next.
/// </summary>
/// <remarks>
/// Not thread-safe by design: a grain runs one turn at a time, and that is what makes it safe.
/// </remarks>
public sealed class StateWriteBatcher(Func<Task> write)
{
    private long _changed;
    private long _durable;
    private Flight? _inFlight;

    /// <summary>The number of writes started, for tests and metrics.</summary>
    public long WritesStarted { get; private set; }

    /// <summary>Records that state changed in memory; returns the change's version.</summary>
    public long MarkChanged() => ++_changed;

    /// <summary>True when the change <paramref name="version"/> is already in storage.</summary>
    public bool IsDurable(long version) => version <= _durable;

    /// <summary>Completes once the change <paramref name="version"/> is in storage.</summary>
    public async Task WhenDurableAsync(long version)
    {
        while (_durable < version)
        {
            var flight = _inFlight ?? Start();
            try
            {
                await flight.Task;
            }
            catch when (flight.Covers < version)
            {
                // Someone else's write failed before ours was even in it: take the next one.
            }
        }
    }

    private Flight Start()
    {
        var flight = new Flight(_changed);
        _inFlight = flight;
        WritesStarted++;
        flight.Task = RunAsync(flight);
        return flight;
    }

    private async Task RunAsync(Flight flight)
    {
        try
        {
            await write();
            _durable = Math.Max(_durable, flight.Covers);
        }
        finally
        {
            if (ReferenceEquals(_inFlight, flight))
            {
                _inFlight = null;
            }
        }
    }

    private sealed class Flight(long covers)
    {
        public long Covers { get; } = covers;

        public Task Task { get; set; } = Task.CompletedTask;
    }
}
