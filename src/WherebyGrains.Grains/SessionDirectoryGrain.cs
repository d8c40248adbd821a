using Orleans.Runtime;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>The durable record of one session directory entry (or of a bucket of the earlier layout).</summary>
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
    public async Task<IReadOnlyList<string>> FindAsync(string roomSessionId)
    {
        IReadOnlyList<string> rooms = state.State.Rooms.TryGetValue(roomSessionId, out var held) ? [.. held] : [];
        // A session's entry (key "{tenantId}/s/{hash}") also answers for the rooms that registered
        // the session in its bucket of the earlier layout; a bucket answers for itself.
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !key.AsSpan(slash).StartsWith("/s/", StringComparison.Ordinal))
        {
            return rooms;
        }
        var earlier = await GrainFactory.GetGrain<ISessionDirectoryGrain>(ISessionDirectoryGrain.LegacyBucketKeyFor(key[..slash], roomSessionId)).FindAsync(roomSessionId);
        return earlier.Count == 0 ? rooms : [.. rooms.Union(earlier, StringComparer.Ordinal)];
    }
}
