using Orleans.Runtime;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>The stored summaries of one month of a room's archived sessions.</summary>
[GenerateSerializer, Alias("wg.RoomHistoryState")]
public sealed class RoomHistoryState
{
    /// <summary>By session id.</summary>
    [Id(0)] public Dictionary<string, RoomSessionView> Sessions { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One month of a room's archived sessions (see <see cref="IRoomHistoryGrain"/>).</summary>
public sealed class RoomHistoryGrain([PersistentState("roomhistory", StorageNames.Grains)] IPersistentState<RoomHistoryState> state) : Grain, IRoomHistoryGrain
{
    /// <inheritdoc />
    public async Task AddAsync(IReadOnlyList<RoomSessionView> sessions)
    {
        var changed = false;
        foreach (var s in sessions)
        {
            if (!state.State.Sessions.TryGetValue(s.RoomSessionId, out var held) || held != s)
            {
                state.State.Sessions[s.RoomSessionId] = s;
                changed = true;
            }
        }
        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RoomSessionView>> GetSessionsAsync() =>
        Task.FromResult<IReadOnlyList<RoomSessionView>>([.. state.State.Sessions.Values]);
}
