using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Orleans.Serialization;
using WherebyGrains.Contracts;
using WherebyGrains.Grains;
using WherebyGrains.ServiceDefaults;

namespace WherebyGrains.Silo;

/// <summary>
/// The room index's names in an Azure Table: an entity a room, in one of <see cref="Partitions"/>
/// partitions of its tenant (<c>{tenantId}_g{bucket mod Partitions}</c>), row
/// <c>{bucket, two hex digits}{name}</c> with a name's key keeping the names' ordinal order
/// (<see cref="RowKeyOf"/>): a bucket's next names after a cursor are one range query. The listings
/// of every bucket on the silo are written together (<see cref="TableGroupCommit"/>), so that a
/// partition's listings of a gathering cost one transaction, where a partition a bucket made each
/// listing nearly a request of its own. The entity holds the name and, when the room is not live,
/// its totals (<c>Summary</c>, Orleans' binary format).
/// </summary>
/// <remarks>
/// Releases up to 2026-12-08 kept a partition a bucket (<c>{tenantId}_{bucket}</c>, row the name's
/// key, names of up to 256 units whole). A bucket's list reads that partition too, and moves what
/// a page finds there to the current layout, until it has once found it empty (rooms write the
/// current layout only, so it stays so); a room listed in both is listed as the current layout says.
/// </remarks>
public sealed class AzureTableRoomNames : IRoomNames, IDisposable
{
    /// <summary>The table.</summary>
    public const string Table = "WherebyGrainsRooms";

    /// <summary>
    /// Partitions per tenant (part of the layout). A listing changes a few times a meeting, so a
    /// gathering holds few listings per partition unless partitions are few; four still take a
    /// tenant's 8,000 listings a second on Azure (2,000 entities/s a partition).
    /// </summary>
    public const int Partitions = 4;

    /// <summary>How long listings gather on the silo before they are written, beyond their bucket's own gathering (<see cref="RoomIndexGrain.Gather"/>).</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(250);

    // Row keys hold at most 1 KiB (512 UTF-16 units): after the bucket's two digits, two key
    // characters a unit fit 255 of them.
    private const int MaxUnits = 255;
    private const int ReleasedMaxUnits = 256;
    private const int PrefixUnits = 240;

    // 256 characters keys allow, in ascending order: a unit u is Digits[u >> 8], Digits[u & 0xff],
    // so keys compare as the names do. (Keys refuse / \ # ? and control characters.)
    private static readonly char[] Digits = [.. Enumerable.Range(0x20, 0x200)
        .Where(c => c is not ('/' or '\\' or '#' or '?') && c is < 0x7f or > 0x9f)
        .Take(256)
        .Select(c => (char)c)];

    private readonly CreatedTable _table;
    private readonly TableGroupCommit _writes;
    private readonly Serializer<RoomSummary> _serializer;
    private readonly StorageWriteGate _gate;
    private readonly ConcurrentDictionary<string, bool> _releasedEmpty = new(StringComparer.Ordinal);

    /// <summary>Names in <paramref name="storage"/>'s account, written through <paramref name="gate"/>.</summary>
    /// <param name="storage">The storage account.</param>
    /// <param name="gate">Bounds the silo's storage writes.</param>
    /// <param name="serializer">Serializes the listings' totals.</param>
    /// <param name="clock">Times the gathering of listings.</param>
    public AzureTableRoomNames(StorageOptions storage, StorageWriteGate gate, Serializer<RoomSummary> serializer, TimeProvider clock)
    {
        _table = new CreatedTable(StorageClients.StateTables(storage).GetTableClient(Table));
        _writes = new TableGroupCommit(_table, gate, Gather, clock);
        _serializer = serializer;
        _gate = gate;
    }

    /// <inheritdoc />
    public Task PutAsync(string bucketKey, IReadOnlyCollection<RoomListing> listings)
    {
        var (partition, prefix) = Place(bucketKey);
        return Task.WhenAll(listings.Select(listing => _writes.UpsertAsync(Entity(partition, prefix + RowKeyOf(listing.RoomName), listing))));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RoomListing>> ListAsync(string bucketKey, string? after, int limit)
    {
        var table = await _table.GetAsync();
        var (partition, prefix) = Place(bucketKey);
        var from = prefix + (after is null ? "" : RowKeyOf(after));
        var current = QueryAsync(table, after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {from} and RowKey lt {NextPrefix(prefix)}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {from} and RowKey lt {NextPrefix(prefix)}"), limit);
        var releasedPartition = bucketKey.Replace('/', '_');
        if (_releasedEmpty.ContainsKey(releasedPartition))
        {
            return [.. (await current).Select(e => e.Listing)];
        }
        var releasedQuery = QueryAsync(table, after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {releasedPartition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {releasedPartition} and RowKey gt {ReleasedRowKeyOf(after)}"), limit);
        await Task.WhenAll(current, releasedQuery);
        var released = await releasedQuery;
        if (after is null && released.Count == 0)
        {
            _releasedEmpty.TryAdd(releasedPartition, true);
        }
        var merged = new SortedDictionary<string, RoomListing>(StringComparer.Ordinal);
        foreach (var (_, listing) in released.Concat(await current))
        {
            merged[listing.RoomName] = listing;
        }
        // What a page found in the released layout moves to the current one: listing the rooms
        // empties it, and then it is read no more.
        await MoveAsync(table, partition, prefix, released);
        return [.. merged.Values.Take(limit)];
    }

    /// <summary>
    /// Moves listings of the released layout to the current one: added where the current layout
    /// has none (a room's newer push wins), then removed. A failure leaves them for the next listing.
    /// </summary>
    private async Task MoveAsync(TableClient table, string partition, string prefix, List<(TableEntity Entity, RoomListing Listing)> released)
    {
        foreach (var (old, listing) in released)
        {
            try
            {
                using (await _gate.EnterAsync())
                {
                    try
                    {
                        await table.AddEntityAsync(Entity(partition, prefix + RowKeyOf(listing.RoomName), listing));
                    }
                    catch (RequestFailedException e) when (e.Status == 409)
                    {
                    }
                    await table.DeleteEntityAsync(old.PartitionKey, old.RowKey, ETag.All);
                }
            }
            catch (RequestFailedException)
            {
                return;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _writes.Dispose();

    private async Task<List<(TableEntity Entity, RoomListing Listing)>> QueryAsync(TableClient table, string filter, int limit)
    {
        var listings = new List<(TableEntity, RoomListing)>(limit);
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: limit, select: ["PartitionKey", "RowKey", "Name", "Summary"]))
        {
            var summary = entity.GetBinary("Summary") is { } bytes ? _serializer.Deserialize(bytes) : null;
            listings.Add((entity, new RoomListing(entity.GetString("Name"), summary)));
            if (listings.Count == limit)
            {
                break;
            }
        }
        return listings;
    }

    private TableEntity Entity(string partition, string row, RoomListing listing)
    {
        var entity = new TableEntity(partition, row) { ["Name"] = listing.RoomName };
        if (listing.Summary is { } summary)
        {
            entity["Summary"] = _serializer.SerializeToArray(summary);
        }
        return entity;
    }

    // Bucket keys are "{tenantId}/{bucket}"; tenant ids are [a-z0-9-].
    private static (string Partition, string Prefix) Place(string bucketKey)
    {
        var slash = bucketKey.LastIndexOf('/');
        var bucket = int.Parse(bucketKey.AsSpan(slash + 1), CultureInfo.InvariantCulture);
        return ($"{bucketKey[..slash]}_g{bucket % Partitions}", bucket.ToString("x2", CultureInfo.InvariantCulture));
    }

    // The first row key after every key of a bucket's prefix: the next bucket's digits.
    private static string NextPrefix(string prefix) =>
        (int.Parse(prefix, NumberStyles.HexNumber, CultureInfo.InvariantCulture) + 1).ToString("x2", CultureInfo.InvariantCulture);

    /// <summary>
    /// A room name as a row key that sorts as the names do (ordinal): two characters a UTF-16 code
    /// unit, from an alphabet of characters keys allow (<see cref="Digits"/>). A name longer than
    /// 255 units keeps its first 240, then U+FFFD and a hash of the whole: such names sort after
    /// the names their first 240 units begin, and among themselves by that hash.
    /// </summary>
    public static string RowKeyOf(string roomName) => EncodeName(roomName, MaxUnits);

    /// <summary>A name's row key in the released layout (no bucket digits before it: names of up to 256 units whole).</summary>
    public static string ReleasedRowKeyOf(string roomName) => EncodeName(roomName, ReleasedMaxUnits);

    private static string EncodeName(string roomName, int maxUnits)
    {
        var units = roomName.Length <= maxUnits ? roomName.AsSpan() : roomName.AsSpan(0, PrefixUnits);
        var key = new StringBuilder(units.Length * 2 + 17);
        foreach (var unit in units)
        {
            key.Append(Digits[unit >> 8]).Append(Digits[unit & 0xff]);
        }
        return roomName.Length <= maxUnits
            ? key.ToString()
            : key.Append('\uFFFD').Append(StoredHash.ShortHex(roomName)).ToString();
    }
}
