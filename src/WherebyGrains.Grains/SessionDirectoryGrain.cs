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
/// One session's entry in its tenant's session directory, read by queries by roomSessionId. With
/// <see cref="ISessionEntryTable"/> (Azure) rooms write their entries there, together, and this
/// grain only reads them (and its own record, where releases up to 2026-12-07 kept them); without
/// it (memory storage) rooms add their entries here, once when a session first appears. Idle
/// once read or fed: it is collected sooner than the silo's default.
/// </summary>
[CollectionAgeLimit(Minutes = 2)]
public sealed class SessionDirectoryGrain(
    [PersistentState("sessiondirectory", StorageNames.Grains)] IPersistentState<SessionDirectoryState> state,
    ISessionEntryTable? table = null) : Grain, ISessionDirectoryGrain
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
    public async Task<IReadOnlyList<string>> FindAsync(string roomSessionId)
    {
        IEnumerable<string> stored = table is null ? [] : await table.FindAsync(ISessionDirectoryGrain.TenantOf(this.GetPrimaryKeyString()), roomSessionId);
        IEnumerable<string> held = state.State.Rooms.TryGetValue(roomSessionId, out var rooms) ? rooms : [];
        return [.. stored.Concat(held).Distinct(StringComparer.Ordinal)];
    }
}
