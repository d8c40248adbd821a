using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Storage;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// One room of one tenant: dedupes its events by id and makes them durable before they are
/// acknowledged. Reentrant so that events arriving together share one storage write; every
/// state change happens synchronously within a turn, before any await.
/// </summary>
[Reentrant]
public sealed class RoomGrain : Grain, IRoomGrain
{
    private readonly IPersistentState<RoomState> _state;
    private readonly StateWriteBatcher _writes;
    private readonly HashSet<string> _recorded = new(StringComparer.Ordinal);

    // Events in memory whose first 2xx has not been given yet, with the version that holds them.
    private readonly Dictionary<string, long> _unacknowledged = new(StringComparer.Ordinal);

    /// <summary>Creates the grain around its persisted record.</summary>
    public RoomGrain([PersistentState("room", StorageNames.Grains)] IPersistentState<RoomState> state)
    {
        _state = state;
        _writes = new StateWriteBatcher(WriteAsync);
    }

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var evt in _state.State.Events)
        {
            _recorded.Add(evt.Id);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<IngestOutcome> RecordAsync(WherebyEvent evt)
    {
        long version;
        if (_recorded.Add(evt.Id))
        {
            _state.State.Events.Add(evt);
            version = _writes.MarkChanged();
            _unacknowledged[evt.Id] = version;
        }
        else if (!_unacknowledged.TryGetValue(evt.Id, out version))
        {
            return IngestOutcome.Duplicate;
        }

        await _writes.WhenDurableAsync(version);

        // Of all deliveries waiting on this event, the first to see it durable is the one accepted.
        return _unacknowledged.Remove(evt.Id) ? IngestOutcome.Accepted : IngestOutcome.Duplicate;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WherebyEvent>> GetRecordedEventsAsync() =>
        Task.FromResult<IReadOnlyList<WherebyEvent>>([.. _state.State.Events.OrderBy(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal)]);

    private async Task WriteAsync()
    {
        try
        {
            await _state.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            // Another activation wrote this room (e.g. after a cluster split): this one's view is stale.
            DeactivateOnIdle();
            throw;
        }
    }
}
