using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text;
using Azure.Data.Tables;
using Orleans.Serialization;
using WherebyGrains.Contracts;
using WherebyGrains.Grains;
using WherebyGrains.ServiceDefaults;

namespace WherebyGrains.Silo;

/// <summary>
/// People's rows in an Azure Table, laid out so that a room writes them in batches and nobody
/// reads before writing:
/// <list type="bullet">
/// <item>a row per person and session in its room's partition (<c>r_{tenant}_{room hash}</c>,
/// row <c>{person hash}_{session hash}</c>): the rows a room hands off together go as
/// entity-group transactions of up to 100;</item>
/// <item>an index entry per person and room (<c>p_{tenant}_{person hash}</c>, row
/// <c>{room hash}</c>): written once per person and room (this silo remembers what it wrote), it
/// tells a person's report which room partitions to read.</item>
/// </list>
/// Rows are written blindly (upsert): one writer at a time per session, in revision order (see
/// <see cref="IPersonRecords"/>), so the last write is the newest. Keys hold hashes only: person
/// keys are already keyed hashes, room names and session ids may hold characters keys cannot.
/// </summary>
public sealed class AzureTablePersonRecords : IPersonRecords
{
    /// <summary>The table.</summary>
    public const string Table = "WherebyGrainsPeople";

    private const int MaxBatch = 100;

    // A person of many rooms is read a few partitions at a time, not all at once.
    private const int RoomsReadAtOnce = 8;

    // Index entries this silo has written, so that it writes each once; a bound keeps a
    // long-running silo's memory flat (forgetting costs one idempotent upsert).
    private const int MaxRemembered = 1_000_000;

    private readonly CreatedTable _table;
    private readonly Serializer<AttendanceRow> _serializer;
    private readonly StorageWriteGate _gate;
    private readonly ConcurrentDictionary<string, bool> _indexed = new(StringComparer.Ordinal);

    /// <summary>Rows in <paramref name="storage"/>'s account, written through <paramref name="gate"/>.</summary>
    public AzureTablePersonRecords(StorageOptions storage, Serializer<AttendanceRow> serializer, StorageWriteGate gate)
    {
        _table = new CreatedTable(StorageClients.StateTables(storage).GetTableClient(Table));
        _serializer = serializer;
        _gate = gate;
    }

    /// <inheritdoc />
    public async Task WriteAsync(string tenantId, string roomName, IReadOnlyList<PersonHandOff> handOffs)
    {
        var table = await _table.GetAsync();
        var room = Hash(roomName);
        var partition = RoomPartition(tenantId, room);

        // A transaction may touch a row once: the newest revision of each.
        var rows = handOffs.GroupBy(h => RowKey(h.PersonKey, h.Row.RoomSessionId), StringComparer.Ordinal)
            .Select(g => (Key: g.Key, HandOff: g.MaxBy(h => h.Revision)!))
            .ToList();
        var unindexed = rows.Select(r => r.HandOff.PersonKey).Distinct(StringComparer.Ordinal)
            .Select(person => (Person: person, Remembered: person + "\n" + room))
            .Where(p => !_indexed.ContainsKey(p.Remembered))
            .ToList();

        var indexWrites = unindexed.Select(async p =>
        {
            await WriteAsync(table, t => t.UpsertEntityAsync(new TableEntity(PersonPartition(p.Person), room), TableUpdateMode.Replace));
            if (_indexed.Count >= MaxRemembered)
            {
                _indexed.Clear();
            }
            _indexed[p.Remembered] = true;
        });
        var rowWrites = rows.Chunk(MaxBatch).Select(chunk => chunk.Length == 1
            // A transaction of one costs more than a plain upsert (multipart request and answer).
            ? WriteAsync(table, t => t.UpsertEntityAsync(Entity(partition, chunk[0].Key, chunk[0].HandOff), TableUpdateMode.Replace))
            : WriteAsync(table, t => t.SubmitTransactionAsync(chunk.Select(r =>
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, Entity(partition, r.Key, r.HandOff))))));
        await Task.WhenAll(indexWrites.Concat(rowWrites));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AttendanceRow>> ReadAsync(string personKey)
    {
        var table = await _table.GetAsync();
        var (tenantId, person) = Split(personKey);
        var rooms = new List<string>();
        await foreach (var entry in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {PersonPartition(personKey)}"), select: ["RowKey"]))
        {
            rooms.Add(entry.RowKey);
        }
        var rows = new ConcurrentBag<AttendanceRow>();
        await Parallel.ForEachAsync(rooms, new ParallelOptions { MaxDegreeOfParallelism = RoomsReadAtOnce }, async (room, cancellationToken) =>
        {
            // Every row of the person in the room: keys from "{person}_" up to (not including) "{person}`".
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {RoomPartition(tenantId, room)} and RowKey gt {person + "_"} and RowKey lt {person + "`"}");
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["Row"], cancellationToken: cancellationToken))
            {
                if (entity.GetBinary("Row") is { } bytes && _serializer.Deserialize(bytes) is { } row)
                {
                    rows.Add(row);
                }
            }
        });
        return [.. rows];
    }

    private async Task WriteAsync<T>(TableClient table, Func<TableClient, Task<T>> write)
    {
        using (await _gate.EnterAsync())
        {
            await write(table);
        }
    }

    private TableEntity Entity(string partition, string rowKey, PersonHandOff handOff) => new(partition, rowKey)
    {
        ["Row"] = _serializer.SerializeToArray(handOff.Row),
        ["Revision"] = handOff.Revision,
    };

    private static string RoomPartition(string tenantId, string roomHash) => $"r_{tenantId}_{roomHash}";

    private static string PersonPartition(string personKey)
    {
        var (tenantId, person) = Split(personKey);
        return $"p_{tenantId}_{person}";
    }

    private static string RowKey(string personKey, string roomSessionId) => $"{Split(personKey).Person}_{Hash(roomSessionId)}";

    /// <summary>A person key is <c>{tenantId}/{hex}</c> (<see cref="PersonKeys"/>).</summary>
    private static (string TenantId, string Person) Split(string personKey)
    {
        var slash = personKey.IndexOf('/');
        return slash > 0 ? (personKey[..slash], personKey[(slash + 1)..]) : throw new ArgumentException("Not a person key.", nameof(personKey));
    }

    private static string Hash(string text) => Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(text)));
}
