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

/// <summary>One bucket of a tenant's room index: fed once when a room first appears.</summary>
public sealed class RoomIndexGrain([PersistentState("roomindex", StorageNames.Grains)] IPersistentState<RoomIndexState> state) : Grain, IRoomIndexGrain
{
    /// <inheritdoc />
    public async Task AddAsync(string roomName)
    {
        if (state.State.Rooms.Add(roomName))
        {
            await state.WriteStateAsync();
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListAsync(string? after, int limit)
    {
        var rooms = state.State.Rooms;
        IEnumerable<string> slice = after is null || rooms.Count == 0
            ? rooms
            : string.CompareOrdinal(after, rooms.Max) >= 0 ? [] : rooms.GetViewBetween(after, rooms.Max!).Where(r => string.CompareOrdinal(r, after) > 0);
        return Task.FromResult<IReadOnlyList<string>>([.. slice.Take(limit)]);
    }
}
