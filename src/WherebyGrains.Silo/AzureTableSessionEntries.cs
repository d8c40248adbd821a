using System.Collections.Concurrent;
using Azure.Data.Tables;
using WherebyGrains.Contracts;
using WherebyGrains.Grains;
using WherebyGrains.ServiceDefaults;

namespace WherebyGrains.Silo;

/// <summary>
/// The session directory's entries in an Azure Table: an entity a session and room, in one of
/// <see cref="Buckets"/> partitions of the tenant (<c>{tenantId}_{bucket}</c>, by the session id),
/// row <c>{session hash}_{room hash}</c>, holding the id and the room's name. The entries of every
/// room of the silo are written together (<see cref="TableGroupCommit"/>): a session's entry costs
/// a share of a transaction, where a record of its own cost a read and an insert.
/// </summary>
public sealed class AzureTableSessionEntries : ISessionEntryTable, IDisposable
{
    /// <summary>The table.</summary>
    public const string Table = "WherebyGrainsSessions";

    /// <summary>Partitions per tenant (part of the layout), as many as people's rows have, for the same reason (<see cref="AzureTablePersonRecords.Buckets"/>).</summary>
    public const int Buckets = 64;

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
        var session = StoredHash.Hex(roomSessionId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition(tenantId, roomSessionId)} and RowKey gt {session + "_"} and RowKey lt {session + "`"}");
        var rooms = _pending.Keys.Where(k => k.TenantId == tenantId && k.RoomSessionId == roomSessionId).Select(k => k.RoomName).ToList();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["Session", "Room"]))
        {
            if (entity.GetString("Session") == roomSessionId && entity.GetString("Room") is { } room)
            {
                rooms.Add(room);
            }
        }
        return [.. rooms.Distinct(StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public void Dispose() => _writes.Dispose();

    private static string Partition(string tenantId, string roomSessionId) => $"{tenantId}_{StoredHash.Bucket(roomSessionId, Buckets)}";
}
