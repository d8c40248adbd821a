namespace WherebyGrains.Contracts;

/// <summary>
/// One bucket of a tenant's session directory, keyed <c>{tenantId}/{bucket}</c>: which room holds
/// a roomSessionId (inferred ids may repeat across rooms, so an id maps to a set of rooms).
/// </summary>
[Alias("wg.ISessionDirectoryGrain")]
public interface ISessionDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The number of buckets per tenant.</summary>
    const int Buckets = 64;

    /// <summary>The bucket grain key for <paramref name="roomSessionId"/>.</summary>
    static string KeyFor(string tenantId, string roomSessionId) =>
        $"{tenantId}/{System.IO.Hashing.XxHash32.HashToUInt32(System.Text.Encoding.UTF8.GetBytes(roomSessionId)) % Buckets}";

    /// <summary>Records that <paramref name="roomName"/> holds these sessions (idempotent).</summary>
    [Alias("Add")]
    Task AddAsync(string roomName, IReadOnlyList<string> roomSessionIds);

    /// <summary>The rooms that hold <paramref name="roomSessionId"/>.</summary>
    [Alias("Find")]
    Task<IReadOnlyList<string>> FindAsync(string roomSessionId);
}
