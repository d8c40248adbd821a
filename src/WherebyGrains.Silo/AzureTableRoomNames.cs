using System.Text;
using Azure.Data.Tables;
using Orleans.Serialization;
using WherebyGrains.Contracts;
using WherebyGrains.Grains;
using WherebyGrains.ServiceDefaults;

namespace WherebyGrains.Silo;

/// <summary>
/// The room index's names in an Azure Table: a partition a bucket (<c>{tenantId}_{bucket}</c>), an
/// entity a room whose row key keeps the names' ordinal order (<see cref="RowKeyOf"/>), so that a
/// bucket's next names after a cursor are one range query, and a room's listing is one upsert however
/// many rooms the tenant has. The entity holds the name and, when the room is not live, its totals
/// (<c>Summary</c>, Orleans' binary format).
/// </summary>
public sealed class AzureTableRoomNames(StorageOptions storage, StorageWriteGate gate, Serializer<RoomSummary> serializer) : IRoomNames
{
    /// <summary>The table.</summary>
    public const string Table = "WherebyGrainsRooms";

    // Row keys hold at most 1 KiB (512 UTF-16 units): two key characters a unit fit 256 of them.
    private const int MaxUnits = 256;
    private const int PrefixUnits = 240;
    private const int MaxBatch = 100;

    // 256 characters keys allow, in ascending order: a unit u is Digits[u >> 8], Digits[u & 0xff],
    // so keys compare as the names do. (Keys refuse / \ # ? and control characters.)
    private static readonly char[] Digits = [.. Enumerable.Range(0x20, 0x200)
        .Where(c => c is not ('/' or '\\' or '#' or '?') && c is < 0x7f or > 0x9f)
        .Take(256)
        .Select(c => (char)c)];

    private readonly CreatedTable _table = new(StorageClients.StateTables(storage).GetTableClient(Table));

    /// <inheritdoc />
    public async Task PutAsync(string bucketKey, IReadOnlyCollection<RoomListing> listings)
    {
        var table = await _table.GetAsync();
        var partition = PartitionOf(bucketKey);
        await Task.WhenAll(listings.Select(listing => Entity(partition, listing)).Chunk(MaxBatch).Select(async chunk =>
        {
            using (await gate.EnterAsync())
            {
                // A transaction of one costs more than a plain upsert (multipart request and answer).
                if (chunk.Length == 1)
                {
                    await table.UpsertEntityAsync(chunk[0], TableUpdateMode.Replace);
                }
                else
                {
                    await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)));
                }
            }
        }));
    }

    private TableEntity Entity(string partition, RoomListing listing)
    {
        var entity = new TableEntity(partition, RowKeyOf(listing.RoomName)) { ["Name"] = listing.RoomName };
        if (listing.Summary is { } summary)
        {
            entity["Summary"] = serializer.SerializeToArray(summary);
        }
        return entity;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RoomListing>> ListAsync(string bucketKey, string? after, int limit)
    {
        var table = await _table.GetAsync();
        var partition = PartitionOf(bucketKey);
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {RowKeyOf(after)}");
        var listings = new List<RoomListing>(limit);
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: limit, select: ["Name", "Summary"]))
        {
            var summary = entity.GetBinary("Summary") is { } bytes ? serializer.Deserialize(bytes) : null;
            listings.Add(new RoomListing(entity.GetString("Name"), summary));
            if (listings.Count == limit)
            {
                break;
            }
        }
        return listings;
    }

    /// <summary>
    /// A room name as a row key that sorts as the names do (ordinal): two characters a UTF-16 code
    /// unit, from an alphabet of characters keys allow (<see cref="Digits"/>). A name longer than
    /// 256 units keeps its first 240, then U+FFFD and a hash of the whole: such names sort after
    /// the names their first 240 units begin, and among themselves by that hash.
    /// </summary>
    public static string RowKeyOf(string roomName)
    {
        var units = roomName.Length <= MaxUnits ? roomName.AsSpan() : roomName.AsSpan(0, PrefixUnits);
        var key = new StringBuilder(units.Length * 2 + 17);
        foreach (var unit in units)
        {
            key.Append(Digits[unit >> 8]).Append(Digits[unit & 0xff]);
        }
        return roomName.Length <= MaxUnits
            ? key.ToString()
            : key.Append('\uFFFD').Append(StoredHash.ShortHex(roomName)).ToString();
    }

    // Bucket keys are "{tenantId}/{bucket}"; tenant ids are [a-z0-9-].
    private static string PartitionOf(string bucketKey) => bucketKey.Replace('/', '_');
}
