using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using WherebyGrains.Contracts;
using WherebyGrains.Grains;
using WherebyGrains.ServiceDefaults;

namespace WherebyGrains.Silo;

/// <summary>
/// People's rows in an Azure Table, laid out so that a person's report is one range query and the
/// rows of every room of the silo share transactions: a row per person, room and session
/// (row key <c>{person hash}_{room hash}_{session hash}</c>) in one of <see cref="Buckets"/>
/// partitions of the tenant (<c>p_{tenant}_{bucket}</c>, by the person's hash). Rows gather for
/// <see cref="Gather"/> (the cross-room views' freshness bound is 2 s) and go out as entity-group
/// transactions of up to 100 rows of one partition: the storage's requests follow the silo's
/// rate, not the number of rooms.
/// Rows are written blindly (upsert): one writer at a time per session, in revision order (see
/// <see cref="IPersonRecords"/>), so the last write is the newest. A withdrawn row stays as a
/// tombstone (<c>Withdrawn</c>), which the report skips. Keys hold hashes only: person keys are
/// already keyed hashes, room names and session ids may hold characters keys cannot.
/// </summary>
/// <remarks>
/// Releases up to 2026-12-07 kept a row in its room's partition (<c>r_{tenant}_{room hash}</c>,
/// row <c>{person hash}_{session hash}</c>) and an index entry per person and room
/// (<c>i_{tenant}_{bucket}</c>, row <c>{person hash}_{room hash}</c>). A report reads those too
/// (one query of the index partition, empty for anyone who appeared only since); of two rows of
/// one session, the newer revision wins.
/// </remarks>
public sealed class AzureTablePersonRecords : IPersonRecords, IDisposable
{
    /// <summary>The table.</summary>
    public const string Table = "WherebyGrainsPeople";

    /// <summary>
    /// Row partitions per tenant (part of the layout: a person's partition must never move). Fewer
    /// would make fuller transactions, and Azure Table takes 2,000 entities/s from each; but the
    /// storage emulator (Azurite's LokiJS) scans a partition to find an entity, and large partitions
    /// halve the durable pipeline's rate there (docs/performance.md). (Listings and session entries,
    /// an entity a room or session rather than a row per person and session, take 4.)
    /// </summary>
    public const int Buckets = 64;

    /// <summary>
    /// How long rows gather before they are written. No acknowledgement waits for them (the events
    /// are in the journal already); the cross-room views do, within their 2 s bound.
    /// </summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(500);

    // The released layout's index: a person's entries in bucket (first hex digit of their hash) mod 8.
    private const int ReleasedIndexBuckets = 8;

    // A person of many rooms in the released layout is read a few partitions at a time, not all at once.
    private const int RoomsReadAtOnce = 8;

    private readonly CreatedTable _table;
    private readonly Serializer<AttendanceRow> _serializer;
    private readonly TableGroupCommit _writes;

    /// <summary>Rows in <paramref name="storage"/>'s account, written through <paramref name="gate"/>.</summary>
    /// <param name="storage">The storage account.</param>
    /// <param name="serializer">Serializes the rows.</param>
    /// <param name="gate">Bounds the silo's storage writes.</param>
    /// <param name="clock">Times the gathering of rows.</param>
    public AzureTablePersonRecords(StorageOptions storage, Serializer<AttendanceRow> serializer, StorageWriteGate gate, TimeProvider clock)
    {
        _table = new CreatedTable(StorageClients.StateTables(storage).GetTableClient(Table));
        _serializer = serializer;
        _writes = new TableGroupCommit(_table, gate, Gather, clock);
    }

    /// <inheritdoc />
    public Task WriteAsync(string tenantId, string roomName, IReadOnlyList<PersonHandOff> handOffs)
    {
        var room = StoredHash.Hex(roomName);
        // Every row made before any is queued: a bad key fails the call, not half of it.
        var rows = handOffs.Select(handOff =>
        {
            var (tenant, person) = Split(handOff.PersonKey);
            return (Entity: Entity(Partition(tenant, person), $"{person}_{room}_{StoredHash.Hex(handOff.Row.RoomSessionId)}", handOff), handOff.Revision);
        }).ToList();
        return Task.WhenAll(rows.Select(row => _writes.UpsertAsync(row.Entity, row.Revision)));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AttendanceRow>> ReadAsync(string personKey)
    {
        var table = await _table.GetAsync();
        var (tenantId, person) = Split(personKey);
        var rows = new ConcurrentDictionary<(string Room, string Session), PersonSessionRow>();
        await ReadReleasedLayoutAsync(table, tenantId, person, rows);
        // The current layout last: its row of a session replaces the released one.
        await foreach (var entity in table.QueryAsync<TableEntity>(TableFilters.RowsUnder(Partition(tenantId, person), person), select: ["Row", "Revision", "Withdrawn"]))
        {
            Take(entity, rows);
        }
        // Tombstones stay until here: they hide an older row of the same session held elsewhere.
        return [.. rows.Values.Where(r => !r.Withdrawn).Select(r => r.Row)];
    }

    /// <inheritdoc />
    public void Dispose() => _writes.Dispose();

    /// <summary>The rows of the released layout: the person's index entries name their rooms' partitions.</summary>
    private async Task ReadReleasedLayoutAsync(TableClient table, string tenantId, string person, ConcurrentDictionary<(string Room, string Session), PersonSessionRow> rows)
    {
        var rooms = new List<string>();
        await foreach (var entry in table.QueryAsync<TableEntity>(TableFilters.RowsUnder($"i_{tenantId}_{Convert.ToInt32(person[..1], 16) % ReleasedIndexBuckets}", person), select: ["RowKey"]))
        {
            rooms.Add(entry.RowKey[(person.Length + 1)..]);
        }
        await Parallel.ForEachAsync(rooms, new ParallelOptions { MaxDegreeOfParallelism = RoomsReadAtOnce }, async (room, cancellationToken) =>
        {
            await foreach (var entity in table.QueryAsync<TableEntity>(TableFilters.RowsUnder($"r_{tenantId}_{room}", person), select: ["Row", "Revision", "Withdrawn"], cancellationToken: cancellationToken))
            {
                Take(entity, rows);
            }
        });
    }

    private void Take(TableEntity entity, ConcurrentDictionary<(string Room, string Session), PersonSessionRow> rows)
    {
        if (entity.GetBinary("Row") is { } bytes && _serializer.Deserialize(bytes) is { } row)
        {
            // The newer revision wins, the current layout (read last) on a tie: a silo of an older
            // release may still write the released layout during an upgrade.
            var read = new PersonSessionRow(row, entity.GetInt64("Revision") ?? 0) { Withdrawn = entity.GetBoolean("Withdrawn") ?? false };
            rows.AddOrUpdate((row.RoomName, row.RoomSessionId), read, (_, held) => held.Revision > read.Revision ? held : read);
        }
    }

    private TableEntity Entity(string partition, string rowKey, PersonHandOff handOff) => new(partition, rowKey)
    {
        ["Row"] = _serializer.SerializeToArray(handOff.Row),
        ["Revision"] = handOff.Revision,
        ["Withdrawn"] = handOff.Withdrawn,
    };

    private static string Partition(string tenantId, string person) => $"p_{tenantId}_{BucketOf(person)}";

    /// <summary>A person's bucket: by the first two hex digits of their hash.</summary>
    private static int BucketOf(string person) => Convert.ToInt32(person[..2], 16) % Buckets;

    /// <summary>A person key is <c>{tenantId}/{hex}</c> (<see cref="PersonKeys"/>).</summary>
    private static (string TenantId, string Person) Split(string personKey)
    {
        var slash = personKey.IndexOf('/');
        return slash > 0 ? (personKey[..slash], personKey[(slash + 1)..]) : throw new ArgumentException("Not a person key.", nameof(personKey));
    }
}
