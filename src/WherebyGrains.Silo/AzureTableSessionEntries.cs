using System.Collections.Concurrent;
using Azure.Data.Tables;
using WherebyGrains.Contracts;
using WherebyGrains.Grains;
using WherebyGrains.ServiceDefaults;

namespace WherebyGrains.Silo;

/// <summary>
/// The session directory's entries in an Azure Table: an entity a session and room, in one of
/// <see cref="Partitions"/> partitions of the tenant (<c>{tenantId}_s{bucket}</c>, by the session
/// id), row <c>{session hash}_{room hash}</c>, holding the id and the room's name. The entries of
/// every room of the silo are written together (<see cref="TableGroupCommit"/>): a session's entry
/// costs a share of a transaction, where a record of its own cost a read and an insert.
/// </summary>
/// <remarks>
/// The release of 2026-12-08 spread a tenant's entries over 64 partitions (<c>{tenantId}_{bucket}</c>,
/// the same rows): a gathering held about one entry a partition, so nearly every entry was a
/// request. A lookup reads that partition too.
/// </remarks>
public sealed class AzureTableSessionEntries : ISessionEntryTable, IDisposable
{
    /// <summary>The table.</summary>
    public const string Table = "WherebyGrainsSessions";

    /// <summary>
    /// Partitions per tenant (part of the layout). A session has one entry a room, so a gathering
    /// holds few entries unless partitions are few; four still take a tenant's 8,000 new sessions a
    /// second on Azure (2,000 entities/s a partition).
    /// </summary>
    public const int Partitions = 4;

    private const int ReleasedBuckets = 64;

    /// <summary>How long entries gather before they are written: no acknowledgement waits for them.</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(500);

    private readonly CreatedTable _table;
    private readonly TableGroupCommit _writes;

    // Entries gathered but not yet written, so that a lookup on this silo finds a session at once
    // (participants by roomSessionId is a room's own view); another silo's lookup may wait a gathering.
    private readonly ConcurrentDictionary<(string TenantId, string RoomSessionId, string RoomName), int> _pending = new();

    /// <summary>Entries in <paramref name="storage"/>'s account, written through <paramref name="gate"/>.</summary>
    public AzureTableSessionEntries(StorageOptions storage, StorageWriteGate gate, TimeProvider clock)
    {
        _table = new CreatedTable(StorageClients.StateTables(storage).GetTableClient(Table));
        _writes = new TableGroupCommit(_table, gate, Gather, clock);
    }

    /// <inheritdoc />
    public Task AddAsync(string tenantId, string roomName, IReadOnlyCollection<string> roomSessionIds)
    {
        var room = StoredHash.Hex(roomName);
        return Task.WhenAll(roomSessionIds.Select(async id =>
        {
            var key = (tenantId, id, roomName);
            _pending.AddOrUpdate(key, 1, (_, n) => n + 1);
            try
            {
                await _writes.UpsertAsync(new TableEntity(Partition(tenantId, id), $"{StoredHash.Hex(id)}_{room}")
                {
                    ["Session"] = id,
                    ["Room"] = roomName,
                });
            }
            finally
            {
                if (_pending.AddOrUpdate(key, 0, (_, n) => n - 1) <= 0)
                {
                    _pending.TryRemove(new KeyValuePair<(string, string, string), int>(key, 0));
                }
            }
        }));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> FindAsync(string tenantId, string roomSessionId)
    {
        var table = await _table.GetAsync();
        var rooms = _pending.Keys.Where(k => k.TenantId == tenantId && k.RoomSessionId == roomSessionId).Select(k => k.RoomName).ToList();
        var found = await Task.WhenAll(
            FindAsync(table, Partition(tenantId, roomSessionId), roomSessionId),
            FindAsync(table, $"{tenantId}_{StoredHash.Bucket(roomSessionId, ReleasedBuckets)}", roomSessionId));
        return [.. rooms.Concat(found.SelectMany(f => f)).Distinct(StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public void Dispose() => _writes.Dispose();

    private static async Task<List<string>> FindAsync(TableClient table, string partition, string roomSessionId)
    {
        var rooms = new List<string>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableFilters.RowsUnder(partition, StoredHash.Hex(roomSessionId)), select: ["Session", "Room"]))
        {
            if (entity.GetString("Session") == roomSessionId && entity.GetString("Room") is { } room)
            {
                rooms.Add(room);
            }
        }
        return rooms;
    }

    // Tenant ids are [a-z0-9-]: an "s" keeps these partitions apart from the released layout's.
    private static string Partition(string tenantId, string roomSessionId) => $"{tenantId}_s{StoredHash.Bucket(roomSessionId, Partitions)}";
}
