using Orleans.Runtime;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>The durable record of one room index bucket.</summary>
[GenerateSerializer, Alias("wg.RoomIndexState")]
public sealed class RoomIndexState
{
    /// <summary>The bucket's room names.</summary>
    [Id(0)] public SortedSet<string> Rooms { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// One bucket of a tenant's room index: fed once when a room first appears. With
/// <see cref="IRoomNames"/> (Azure) names go there, one entity a room, and the bucket's own record
/// holds only what releases before wrote into it (a record rewritten whole with every new room,
/// which could not grow past an entity's 1 MB): a listing merges both. Without it (memory storage)
/// the record holds them all.
/// </summary>
public sealed class RoomIndexGrain(
    [PersistentState("roomindex", StorageNames.Grains)] IPersistentState<RoomIndexState> state,
    IRoomNames? names = null) : Grain, IRoomIndexGrain
{
    /// <inheritdoc />
    public async Task AddAsync(string roomName)
    {
        if (state.State.Rooms.Contains(roomName))
        {
            return;
        }
        if (names is not null)
        {
            await names.AddAsync(this.GetPrimaryKeyString(), roomName);
            return;
        }
        state.State.Rooms.Add(roomName);
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListAsync(string? after, int limit)
    {
        var rooms = state.State.Rooms;
        IEnumerable<string> held = after is null || rooms.Count == 0
            ? rooms
            : string.CompareOrdinal(after, rooms.Max) >= 0 ? [] : rooms.GetViewBetween(after, rooms.Max!).Where(r => string.CompareOrdinal(r, after) > 0);
        if (names is null)
        {
            return [.. held.Take(limit)];
        }
        var stored = await names.ListAsync(this.GetPrimaryKeyString(), after, limit);
        return [.. held.Take(limit).Concat(stored).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(limit)];
    }
}
