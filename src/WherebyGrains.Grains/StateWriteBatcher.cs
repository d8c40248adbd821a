namespace WherebyGrains.Grains;

/// <summary>
/// Shares durable writes between the calls of one reentrant grain: a call that changed state
/// awaits a write that started after its change. At most one write is in flight (so no ETag
/// conflicts with ourselves); every change made while it runs shares the next one. A call sees a
/// failure only of a write that started after it arrived and held its change; a write that was
/// already failing when it arrived (a retry of an event whose first write is still running) gets
/// it a fresh attempt instead. A write waits for a permit of the silo's
/// <see cref="StorageWriteGate"/> before it starts, and covers every change made while it waited.
/// </summary>
/// <remarks>
/// Not thread-safe by design: a grain runs one turn at a time, and that is what makes it safe.
/// </remarks>
public sealed class StateWriteBatcher(Func<Task> write, StorageWriteGate gate)
{
    private long _changed;
    private long _durable;
    private Flight? _inFlight;
    private Task<Flight>? _starting;

    /// <summary>The number of writes started, for tests and metrics.</summary>
    public long WritesStarted { get; private set; }

    /// <summary>Records that state changed in memory; returns the change's version.</summary>
    public long MarkChanged() => ++_changed;

    /// <summary>True when the change <paramref name="version"/> is already in storage.</summary>
    public bool IsDurable(long version) => version <= _durable;

    /// <summary>Completes once the change <paramref name="version"/> is in storage.</summary>
    public async Task WhenDurableAsync(long version)
    {
        var arrivedAfter = WritesStarted;
        while (_durable < version)
        {
            var flight = _inFlight ?? await StartingAsync();
            try
            {
                await flight.Task;
            }
            catch when (flight.Covers < version || flight.Sequence <= arrivedAfter)
            {
                // A write that did not hold our change, or one already running when we came: try the next.
            }
        }
    }

    /// <summary>
    /// Waits for a permit of the gate before the write starts: every change made meanwhile is
    /// covered by it. Concurrent callers share the one start.
    /// </summary>
    private Task<Flight> StartingAsync()
    {
        // A start that completed is over (its flight, if still running, is _inFlight).
        if (_starting is not { IsCompleted: false } starting)
        {
            starting = StartWhenPermittedAsync();
            _starting = starting.IsCompleted ? null : starting;
        }
        return starting;
    }

    private async Task<Flight> StartWhenPermittedAsync()
    {
        var permit = await gate.EnterAsync();
        if (_inFlight is { } running)
        {
            permit.Dispose();
            return running;
        }
        return Start(permit);
    }

    private Flight Start(IDisposable permit)
    {
        var flight = new Flight(_changed, WritesStarted + 1);
        _inFlight = flight;
        WritesStarted++;
        flight.Task = RunAsync(flight, permit);
        return flight;
    }

    private async Task RunAsync(Flight flight, IDisposable permit)
    {
        try
        {
            await write();
            _durable = Math.Max(_durable, flight.Covers);
        }
        finally
        {
            permit.Dispose();
            if (ReferenceEquals(_inFlight, flight))
            {
                _inFlight = null;
            }
        }
    }

    private sealed class Flight(long covers, long sequence)
    {
        public long Covers { get; } = covers;

        public long Sequence { get; } = sequence;

        public Task Task { get; set; } = Task.CompletedTask;
    }
}
