using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;
using WherebyGrains.Api.Webhooks;
using WherebyGrains.Contracts;
using WherebyGrains.ServiceDefaults;

namespace WherebyGrains.Silo;

/// <summary>One event in the journal, with where it is stored and who wrote it when.</summary>
/// <param name="Partition">Its partition: a writer's second.</param>
/// <param name="Row">Its row in the partition.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="Event">The event.</param>
/// <param name="Silo">The silo that wrote it (<c>SiloAddress.ToParsableString()</c>); null for entries of releases that did not say.</param>
/// <param name="WrittenAt">When its partition began (its second).</param>
public sealed record JournalEntry(string Partition, string Row, string TenantId, WherebyEvent Event, string? Silo, DateTimeOffset WrittenAt);

/// <summary>
/// The journal in an Azure Table, written by group commit: events that arrive together (from any
/// room) are written as one entity-group transaction, up to 100 events a request. A few batches
/// are in flight at once (one per writer); while they are, the next one fills. A writer's batches
/// of one second share a partition (<c>{second, unix ms}-{silo}-{writer}</c>, so that age is a key
/// range; rows <c>{batch}-{index}</c>), so that clean-up removes up to 100 entries a transaction
/// however small the batches were.
/// </summary>
public sealed class AzureTableEventJournal : IEventJournal, IDisposable
{
    /// <summary>The journal's table.</summary>
    public const string Table = "WherebyGrainsJournal";

    // Limits of an entity-group transaction (100 entities, 4 MiB) and of a binary property (64 KiB).
    private const int MaxBatch = 100;
    private const int MaxBatchBytes = 2 * 1024 * 1024;
    private const int ChunkBytes = 60 * 1024;
    private const int MaxChunks = 15;
    private const int Writers = 4;
    private static readonly TimeSpan PartitionWindow = TimeSpan.FromSeconds(1);

    private readonly CreatedTable _table;
    private readonly TimeProvider _clock;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly string _instance = Guid.NewGuid().ToString("N")[..12];
    private readonly Lazy<Task[]> _writers;
    private long _sequence;

    /// <summary>A journal in <paramref name="storage"/>'s account, written by <paramref name="silo"/>.</summary>
    /// <param name="storage">The storage account.</param>
    /// <param name="clock">Dates the batches.</param>
    /// <param name="silo">This silo (<c>SiloAddress.ToParsableString()</c>), kept with each entry so that drainers leave a live silo's entries to it.</param>
    public AzureTableEventJournal(StorageOptions storage, TimeProvider clock, string silo)
    {
        _table = new CreatedTable(StorageClients.Tables(storage).GetTableClient(Table));
        _clock = clock;
        Silo = silo;
        _writers = new Lazy<Task[]>(() => [.. Enumerable.Range(0, Writers).Select(writer => Task.Run(() => WriteLoopAsync(writer)))]);
    }

    /// <summary>The silo this journal writes for.</summary>
    public string Silo { get; }

    /// <inheritdoc />
    public Task AppendAsync(string tenantId, WherebyEvent evt, CancellationToken cancellationToken)
    {
        _ = _writers.Value;
        var json = JsonSerializer.SerializeToUtf8Bytes(evt, JournalJsonContext.Default.WherebyEvent);
        if (json.Length > ChunkBytes * MaxChunks)
        {
            throw new InvalidOperationException("The event is too large for the journal.");
        }
        var pending = new Pending(tenantId, json);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The journal is closed.");
        }
        return pending.Written.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Up to <paramref name="max"/> entries written before <paramref name="before"/>, oldest batches
    /// first; of those, only the ones <paramref name="take"/> accepts (all when null).
    /// </summary>
    public async Task<List<JournalEntry>> ReadWrittenBeforeAsync(DateTimeOffset before, int max, Func<JournalEntry, bool>? take, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken);
        var entries = new List<JournalEntry>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey lt {PartitionPrefix(before)}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
        {
            if (Read(entity) is { } evt)
            {
                var writtenAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(entity.PartitionKey.AsSpan(0, 13), CultureInfo.InvariantCulture));
                var entry = new JournalEntry(entity.PartitionKey, entity.RowKey, entity.GetString("Tenant") ?? "", evt, entity.GetString("Silo"), writtenAt);
                if (take is null || take(entry))
                {
                    entries.Add(entry);
                }
            }
            if (entries.Count >= max)
            {
                break;
            }
        }
        return entries;
    }

    /// <summary>Removes entries applied to their rooms, a transaction per partition and 100 entries (already gone is fine: another silo drained it).</summary>
    public async Task RemoveAsync(IEnumerable<JournalEntry> entries, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken);
        foreach (var partition in entries.GroupBy(e => e.Partition))
        {
            foreach (var chunk in partition.Chunk(MaxBatch))
            {
                try
                {
                    await table.SubmitTransactionAsync(chunk.Select(Delete), cancellationToken);
                }
                catch (TableTransactionFailedException)
                {
                    // Some were gone: remove what is left of them, still together.
                    var left = await ExistingAsync(table, partition.Key, chunk, cancellationToken);
                    if (left.Count > 0)
                    {
                        await table.SubmitTransactionAsync(left.Select(Delete), cancellationToken);
                    }
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _queue.Writer.TryComplete();

    private async Task WriteLoopAsync(int writer)
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            var bytes = 0;
            while (batch.Count < MaxBatch && bytes < MaxBatchBytes && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                bytes += pending.Json.Length;
            }
            if (batch.Count == 0)
            {
                continue;
            }
            try
            {
                await WriteAsync(writer, batch);
                foreach (var pending in batch)
                {
                    pending.Written.TrySetResult();
                }
            }
            catch (Exception e)
            {
                foreach (var pending in batch)
                {
                    pending.Written.TrySetException(e);
                }
            }
        }
    }

    private async Task WriteAsync(int writer, List<Pending> batch)
    {
        var table = await _table.GetAsync();
        var now = _clock.GetUtcNow();
        var window = now.AddTicks(-(now.UtcTicks % PartitionWindow.Ticks));
        var partition = $"{PartitionPrefix(window)}-{_instance}-{writer}";
        var sequence = Interlocked.Increment(ref _sequence);
        var actions = new List<TableTransactionAction>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var entity = new TableEntity(partition, $"{sequence:D10}-{i:D3}") { ["Tenant"] = batch[i].TenantId, ["Silo"] = Silo };
            var json = batch[i].Json;
            for (var chunk = 0; chunk * ChunkBytes < json.Length; chunk++)
            {
                // Nearly every event fits one property: store its bytes as they are.
                entity[$"E{chunk}"] = json.Length <= ChunkBytes ? json : json.AsSpan(chunk * ChunkBytes, Math.Min(ChunkBytes, json.Length - chunk * ChunkBytes)).ToArray();
            }
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, entity));
        }
        await table.SubmitTransactionAsync(actions);
    }

    private static TableTransactionAction Delete(JournalEntry entry) =>
        new(TableTransactionActionType.Delete, new TableEntity(entry.Partition, entry.Row), ETag.All);

    private static async Task<List<JournalEntry>> ExistingAsync(TableClient table, string partition, JournalEntry[] entries, CancellationToken cancellationToken)
    {
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            existing.Add(entity.RowKey);
        }
        return [.. entries.Where(e => existing.Contains(e.Row))];
    }

    private static WherebyEvent? Read(TableEntity entity)
    {
        var parts = new List<byte[]>();
        for (var chunk = 0; entity.GetBinary($"E{chunk}") is { } part; chunk++)
        {
            parts.Add(part);
        }
        return parts.Count switch
        {
            0 => null,
            1 => JsonSerializer.Deserialize(parts[0], JournalJsonContext.Default.WherebyEvent),
            _ => JsonSerializer.Deserialize([.. parts.SelectMany(p => p)], JournalJsonContext.Default.WherebyEvent),
        };
    }

    private static string PartitionPrefix(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString("D13", CultureInfo.InvariantCulture);

    private sealed record Pending(string TenantId, byte[] Json)
    {
        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>Source-generated JSON for journaled events.</summary>
[JsonSerializable(typeof(WherebyEvent))]
internal sealed partial class JournalJsonContext : JsonSerializerContext;
