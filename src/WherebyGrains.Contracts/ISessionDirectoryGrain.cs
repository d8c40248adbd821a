namespace WherebyGrains.Contracts;

/// <summary>
/// A tenant's session directory: which room holds a roomSessionId (inferred ids may repeat across
/// rooms, so an id maps to a set of rooms). One grain a session, keyed <c>{tenantId}/s/{hash}</c>
/// (<see cref="KeyFor"/>), so that each entry is a record of its own, written once.
/// </summary>
[Alias("wg.ISessionDirectoryGrain")]
public interface ISessionDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The grain key for <paramref name="roomSessionId"/>: a hash, as ids are the client's text.</summary>
    static string KeyFor(string tenantId, string roomSessionId) =>
        $"{tenantId}/s/{StoredHash.Hex(roomSessionId)}";

    /// <summary>The tenant of a grain key made by <see cref="KeyFor"/>.</summary>
    static string TenantOf(string key) => key[..key.LastIndexOf("/s/", StringComparison.Ordinal)];

    /// <summary>Records that <paramref name="roomName"/> holds these sessions (idempotent).</summary>
    [Alias("Add")]
    Task AddAsync(string roomName, IReadOnlyList<string> roomSessionIds);

    /// <summary>The rooms that hold <paramref name="roomSessionId"/>.</summary>
    [Alias("Find")]
    Task<IReadOnlyList<string>> FindAsync(string roomSessionId);
}
