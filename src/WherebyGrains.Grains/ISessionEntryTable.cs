namespace WherebyGrains.Grains;

/// <summary>
/// Where the session directory keeps its entries when its grains' own records do not (Azure: a
/// table, the entries of the silo's rooms written together). Without it (memory storage) each
/// session's grain keeps its entry in its record.
/// </summary>
public interface ISessionEntryTable
{
    /// <summary>Records that <paramref name="roomName"/> holds these sessions of <paramref name="tenantId"/> (idempotent); completes once durable.</summary>
    Task AddAsync(string tenantId, string roomName, IReadOnlyCollection<string> roomSessionIds);

    /// <summary>The rooms that hold <paramref name="roomSessionId"/>.</summary>
    Task<IReadOnlyList<string>> FindAsync(string tenantId, string roomSessionId);
}
