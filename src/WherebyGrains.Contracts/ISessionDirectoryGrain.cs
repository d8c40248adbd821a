namespace WherebyGrains.Contracts;

/// <summary>
/// A tenant's session directory: which room holds a roomSessionId (inferred ids may repeat across
/// rooms, so an id maps to a set of rooms). One grain a session, keyed <c>{tenantId}/s/{hash}</c>
/// (<see cref="KeyFor"/>), so that each entry is a record of its own, written once; releases before
/// kept 64 buckets a tenant (<see cref="LegacyBucketKeyFor"/>), whose records grew with every
/// session and were rewritten whole on each: they are still read.
/// </summary>
[Alias("wg.ISessionDirectoryGrain")]
public interface ISessionDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The number of buckets per tenant of the directory's earlier layout.</summary>
    const int LegacyBuckets = 64;

    /// <summary>The grain key for <paramref name="roomSessionId"/>: a hash, as ids are the client's text.</summary>
    static string KeyFor(string tenantId, string roomSessionId) =>
        $"{tenantId}/s/{System.Convert.ToHexStringLower(System.IO.Hashing.XxHash128.Hash(System.Text.Encoding.UTF8.GetBytes(roomSessionId)))}";

    /// <summary>The bucket that held <paramref name="roomSessionId"/> in the directory's earlier layout.</summary>
    static string LegacyBucketKeyFor(string tenantId, string roomSessionId) =>
        $"{tenantId}/{System.IO.Hashing.XxHash32.HashToUInt32(System.Text.Encoding.UTF8.GetBytes(roomSessionId)) % LegacyBuckets}";

    /// <summary>Records that <paramref name="roomName"/> holds these sessions (idempotent).</summary>
    [Alias("Add")]
    Task AddAsync(string roomName, IReadOnlyList<string> roomSessionIds);

    /// <summary>The rooms that hold <paramref name="roomSessionId"/>.</summary>
    [Alias("Find")]
    Task<IReadOnlyList<string>> FindAsync(string roomSessionId);
}
