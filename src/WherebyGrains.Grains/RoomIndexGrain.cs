using Orleans.Concurrency;
using Orleans.Runtime;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>The durable record of one room index bucket.</summary>
[GenerateSerializer, Alias("wg.RoomIndexState")]
public sealed class RoomIndexState
{
    /// <summary>The bucket's room names.</summary>
    [Id(0)] public SortedSet<string> Rooms { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The rooms' listings as they pushed them last (a name without one lists without totals).</summary>
    [Id(1)] public Dictionary<string, RoomListing> Listings { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// One bucket of a tenant's room index, fed by its rooms' listings. With <see cref="IRoomNames"/>
/// (Azure) listings are entities there, one a room, written side by side; without it (memory
/// storage) the bucket's own record holds them, one write in flight, shared by the listings that
/// arrive meanwhile. Reentrant: a bucket serves many rooms, and one slow write must not queue the
/// others behind it (under a saturated store, pushes timed out queued in a bucket).
/// </summary>
[Reentrant]
public sealed class RoomIndexGrain(
    [PersistentState("roomindex", StorageNames.Grains)] IPersistentState<RoomIndexState> state,
    IRoomNames? names = null) : Grain, IRoomIndexGrain
{
    private StateWriteBatcher? _writes;

    /// <inheritdoc />
    public async Task PutAsync(RoomListing listing)
    {
        if (names is not null)
        {
            await names.PutAsync(this.GetPrimaryKeyString(), listing);
            return;
        }
        var added = state.State.Rooms.Add(listing.RoomName);
        if (added || !state.State.Listings.TryGetValue(listing.RoomName, out var held) || held != listing)
        {
            state.State.Listings[listing.RoomName] = listing;
            _writes ??= new StateWriteBatcher(state.WriteStateAsync, StorageWriteGate.Unbounded);
            await _writes.WhenDurableAsync(_writes.MarkChanged());
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RoomListing>> ListAsync(string? after, int limit)
    {
        if (names is not null)
        {
            return await names.ListAsync(this.GetPrimaryKeyString(), after, limit);
        }
        var rooms = state.State.Rooms;
        IEnumerable<string> held = after is null || rooms.Count == 0
            ? rooms
            : string.CompareOrdinal(after, rooms.Max) >= 0 ? [] : rooms.GetViewBetween(after, rooms.Max!).Where(r => string.CompareOrdinal(r, after) > 0);
        return [.. held.Take(limit).Select(name => state.State.Listings.GetValueOrDefault(name) ?? new RoomListing(name, null))];
    }
}
