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
/// People's rows in an Azure Table, laid out so that writes go in batches and nobody reads before
/// writing:
/// <list type="bullet">
/// <item>a row per person and session in its room's partition (<c>r_{tenant}_{room hash}</c>,
/// row <c>{person hash}_{session hash}</c>): the rows a room hands off together go as
/// entity-group transactions of up to 100;</item>
/// <item>an index entry per person and room, which tells a person's report which room partitions
/// to read: in one of <see cref="IndexBuckets"/> partitions of the tenant
/// (<c>i_{tenant}_{bucket}</c>, row <c>{person hash}_{room hash}</c>), so that the entries of
/// every room of the silo gathered over <see cref="IndexGather"/> share transactions. Each is
/// written once per silo (it remembers what it wrote).</item>
/// </list>
/// Rows are written blindly (upsert): one writer at a time per session, in revision order (see
/// <see cref="IPersonRecords"/>), so the last write is the newest. A withdrawn row stays as a
/// tombstone (<c>Withdrawn</c>), which the report skips. Keys hold hashes only: person
/// keys are already keyed hashes, room names and session ids may hold characters keys cannot.
/// </summary>
public sealed class AzureTablePersonRecords : IPersonRecords, IDisposable
{
    /// <summary>The table.</summary>
    public const string Table = "WherebyGrainsPeople";

    /// <summary>
    /// Index partitions per tenant. Each takes Azure's 2,000 entities/s per partition, so a tenant
    /// takes about 16,000 new person-room pairs a second; a person's report reads one.
    /// </summary>
    public const int IndexBuckets = 8;

    /// <summary>
    /// How long index entries gather before they are written. Rows wait for their entries, but no
    /// acknowledgement does: the events are already in the journal.
    /// </summary>
    public static readonly TimeSpan IndexGather = TimeSpan.FromMilliseconds(200);

    private const int MaxBatch = 100;

    // A person of many rooms is read a few partitions at a time, not all at once.
    private const int RoomsReadAtOnce = 8;

    // Index entries this silo has written, so that it writes each once; a bound keeps a
    // long-running silo's memory flat (forgetting costs one idempotent upsert).
    private const int MaxRemembered = 1_000_000;

    private readonly CreatedTable _table;
    private readonly Serializer<AttendanceRow> _serializer;
    private readonly StorageWriteGate _gate;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<(string Partition, string Row), bool> _indexed = new();
    private readonly Channel<IndexEntry> _index = Channel.CreateUnbounded<IndexEntry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lazy<Task> _indexWriter;

    /// <summary>Rows in <paramref name="storage"/>'s account, written through <paramref name="gate"/>.</summary>
    /// <param name="storage">The storage account.</param>
    /// <param name="serializer">Serializes the rows.</param>
    /// <param name="gate">Bounds the silo's storage writes.</param>
    /// <param name="clock">Times the gathering of index entries.</param>
    public AzureTablePersonRecords(StorageOptions storage, Serializer<AttendanceRow> serializer, StorageWriteGate gate, TimeProvider clock)
    {
        _table = new CreatedTable(StorageClients.StateTables(storage).GetTableClient(Table));
        _serializer = serializer;
        _gate = gate;
        _clock = clock;
        _indexWriter = new Lazy<Task>(() => Task.Run(WriteIndexLoopAsync));
    }

    /// <inheritdoc />
    public async Task WriteAsync(string tenantId, string roomName, IReadOnlyList<PersonHandOff> handOffs)
    {
        var table = await _table.GetAsync();
        var room = StoredHash.Hex(roomName);
        var partition = RoomPartition(tenantId, room);

        // A transaction may touch a row once: the newest revision of each.
        var rows = handOffs.GroupBy(h => RowKey(h.PersonKey, h.Row.RoomSessionId), StringComparer.Ordinal)
            .Select(g => (Key: g.Key, HandOff: g.MaxBy(h => h.Revision)!))
            .ToList();
        var indexWrites = rows.Select(r => r.HandOff.PersonKey).Distinct(StringComparer.Ordinal)
            .Select(person => IndexAsync(person, room));
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
        var index = TableClient.CreateQueryFilter(
            $"PartitionKey eq {IndexPartition(tenantId, person)} and RowKey gt {person + "_"} and RowKey lt {person + "`"}");
        await foreach (var entry in table.QueryAsync<TableEntity>(index, select: ["RowKey"]))
        {
            rooms.Add(entry.RowKey[(person.Length + 1)..]);
        }
        var rows = new ConcurrentDictionary<(string Room, string Session), PersonSessionRow>();
        await Parallel.ForEachAsync(rooms, new ParallelOptions { MaxDegreeOfParallelism = RoomsReadAtOnce }, async (room, cancellationToken) =>
        {
            // Every row of the person in the room: keys from "{person}_" up to (not including) "{person}`".
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {RoomPartition(tenantId, room)} and RowKey gt {person + "_"} and RowKey lt {person + "`"}");
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["Row", "Revision", "Withdrawn"], cancellationToken: cancellationToken))
            {
                if (entity.GetBinary("Row") is { } bytes && _serializer.Deserialize(bytes) is { } row)
                {
                    rows[(row.RoomName, row.RoomSessionId)] = new PersonSessionRow(row, entity.GetInt64("Revision") ?? 0) { Withdrawn = entity.GetBoolean("Withdrawn") ?? false };
                }
            }
        });
        // Tombstones stay until here: they hide an older row of the same session held elsewhere.
        return [.. rows.Values.Where(r => !r.Withdrawn).Select(r => r.Row)];
    }

    /// <inheritdoc />
    public void Dispose() => _index.Writer.TryComplete();

    /// <summary>Queues the person's index entry for the room unless this silo wrote it already; completes once it is durable.</summary>
    private Task IndexAsync(string personKey, string room)
    {
        var (tenantId, person) = Split(personKey);
        var entry = new IndexEntry(IndexPartition(tenantId, person), $"{person}_{room}");
        if (_indexed.ContainsKey((entry.Partition, entry.Row)))
        {
            return Task.CompletedTask;
        }
        _ = _indexWriter.Value;
        return _index.Writer.TryWrite(entry) ? entry.Written.Task : Task.FromException(new ObjectDisposedException(nameof(AzureTablePersonRecords)));
    }

    /// <summary>Group commit: what the silo's rooms queue within a gathering goes out together, a transaction per partition.</summary>
    private async Task WriteIndexLoopAsync()
    {
        var round = new List<IndexEntry>();
        while (await _index.Reader.WaitToReadAsync())
        {
            await Task.Delay(IndexGather, _clock);
            round.Clear();
            while (_index.Reader.TryRead(out var entry))
            {
                round.Add(entry);
            }
            var writes = round.GroupBy(e => e.Partition, StringComparer.Ordinal)
                .SelectMany(partition => partition.GroupBy(e => e.Row, StringComparer.Ordinal).Chunk(MaxBatch).Select(chunk => (partition.Key, Rows: chunk)))
                .Select(batch => WriteIndexBatchAsync(batch.Key, batch.Rows));
            await Task.WhenAll(writes);
        }
    }

    /// <summary>Writes one partition's entries (each row once) and completes everyone who waits for them; never throws.</summary>
    private async Task WriteIndexBatchAsync(string partition, IGrouping<string, IndexEntry>[] rows)
    {
        try
        {
            var table = await _table.GetAsync();
            await (rows.Length == 1
                ? WriteAsync(table, t => t.UpsertEntityAsync(new TableEntity(partition, rows[0].Key), TableUpdateMode.Replace))
                : WriteAsync(table, t => t.SubmitTransactionAsync(rows.Select(r =>
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, r.Key))))));
        }
        catch (Exception e)
        {
            foreach (var entry in rows.SelectMany(r => r))
            {
                entry.Written.TrySetException(e);
            }
            return;
        }
        if (_indexed.Count >= MaxRemembered)
        {
            _indexed.Clear();
        }
        foreach (var entry in rows.SelectMany(r => r))
        {
            _indexed[(entry.Partition, entry.Row)] = true;
            entry.Written.TrySetResult();
        }
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
        ["Withdrawn"] = handOff.Withdrawn,
    };

    private static string RoomPartition(string tenantId, string roomHash) => $"r_{tenantId}_{roomHash}";

    /// <summary>The person's index partition: a bucket by the first hex digit of their hash.</summary>
    private static string IndexPartition(string tenantId, string person) =>
        $"i_{tenantId}_{Convert.ToInt32(person[..1], 16) % IndexBuckets}";

    private static string RowKey(string personKey, string roomSessionId) => $"{Split(personKey).Person}_{StoredHash.Hex(roomSessionId)}";

    /// <summary>A person key is <c>{tenantId}/{hex}</c> (<see cref="PersonKeys"/>).</summary>
    private static (string TenantId, string Person) Split(string personKey)
    {
        var slash = personKey.IndexOf('/');
        return slash > 0 ? (personKey[..slash], personKey[(slash + 1)..]) : throw new ArgumentException("Not a person key.", nameof(personKey));
    }

    /// <summary>An index entry waiting to be written; the silo remembers (partition, row) once it is.</summary>
    private sealed record IndexEntry(string Partition, string Row)
    {
        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
