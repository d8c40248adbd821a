using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>The durable record of one session directory entry.</summary>
[GenerateSerializer, Alias("wg.SessionDirectoryState")]
public sealed class SessionDirectoryState
{
    /// <summary>Rooms by roomSessionId.</summary>
    [Id(0)] public Dictionary<string, List<string>> Rooms { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// One session's entry in its tenant's session directory: fed once when the session first appears
/// in a room, read by queries by roomSessionId. A new session is a new grain, idle once its rooms
/// have registered it: it is collected sooner than the silo's default.
/// </summary>
[CollectionAgeLimit(Minutes = 2)]
public sealed class SessionDirectoryGrain([PersistentState("sessiondirectory", StorageNames.Grains)] IPersistentState<SessionDirectoryState> state) : Grain, ISessionDirectoryGrain
{
    /// <inheritdoc />
    public async Task AddAsync(string roomName, IReadOnlyList<string> roomSessionIds)
    {
        var changed = false;
        foreach (var id in roomSessionIds)
        {
            if (!state.State.Rooms.TryGetValue(id, out var rooms))
            {
                state.State.Rooms[id] = rooms = [];
            }
            if (!rooms.Contains(roomName, StringComparer.Ordinal))
            {
                rooms.Add(roomName);
                changed = true;
            }
        }
        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> FindAsync(string roomSessionId) =>
        Task.FromResult<IReadOnlyList<string>>(state.State.Rooms.TryGetValue(roomSessionId, out var held) ? [.. held] : []);
}
