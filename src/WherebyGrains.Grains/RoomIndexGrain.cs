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
/// <see cref="IRoomNames"/> (Azure) names are entities there, one a room; without it (memory
/// storage) the bucket's own record holds them.
/// </summary>
public sealed class RoomIndexGrain(
    [PersistentState("roomindex", StorageNames.Grains)] IPersistentState<RoomIndexState> state,
    IRoomNames? names = null) : Grain, IRoomIndexGrain
{
    /// <inheritdoc />
    public async Task AddAsync(string roomName)
    {
        if (names is not null)
        {
            await names.AddAsync(this.GetPrimaryKeyString(), roomName);
            return;
        }
        if (state.State.Rooms.Add(roomName))
        {
            await state.WriteStateAsync();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListAsync(string? after, int limit)
    {
        if (names is not null)
        {
            return await names.ListAsync(this.GetPrimaryKeyString(), after, limit);
        }
        var rooms = state.State.Rooms;
        IEnumerable<string> held = after is null || rooms.Count == 0
            ? rooms
            : string.CompareOrdinal(after, rooms.Max) >= 0 ? [] : rooms.GetViewBetween(after, rooms.Max!).Where(r => string.CompareOrdinal(r, after) > 0);
        return [.. held.Take(limit)];
    }
}
