using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;
using WherebyGrains.Contracts;
using WherebyGrains.Journal;
using WherebyGrains.ServiceDefaults;

namespace WherebyGrains.Silo;

/// <summary>
/// The journal in an Azure Table, written by group commit: events that arrive together (from any
/// room) are written as one entity, packed (a batch of up to <see cref="MaxEvents"/> events and
/// about 960 KB). One batch is in flight while the next fills; another writer starts only when
/// enough events wait, and with none in flight a batch lingers briefly for company. A writer's
/// batches of ten seconds share a partition (<c>{window start, unix ms}-{silo}-{writer}</c>, so
/// that age is a key range; rows <c>{batch}</c>), so that clean-up removes many batches a
/// transaction. One entity a batch, not one an event, because the storage's work (and Azurite's
/// above all, which handles each entity of a transaction as a request of its own) follows the
/// entities written, read and deleted, not the requests.
/// </summary>
/// <remarks>
/// A batch's entity: <c>Silo</c>, <c>At</c> (when it was written, Unix ms), <c>Count</c> (its
/// events) and the packed events in binary properties <c>B0</c>, <c>B1</c>, ... of up to 60 KiB
/// each; packed, an event is its tenant and its JSON, each as a 32-bit little-endian byte length
/// and the UTF-8 bytes.
/// </remarks>
public sealed class AzureTableEventJournal : IEventJournal, IDisposable
{
    /// <summary>The journal's table.</summary>
    public const string Table = "WherebyGrainsJournal";

    /// <summary>The most events a batch holds.</summary>
    public const int MaxEvents = 500;

    // A binary property holds at most 64 KiB, an entity 1 MiB: 16 chunks of 60 KiB leave room for
    // the rest of it. An event's JSON may take 15 of them (as when an entity held one event).
    private const int ChunkBytes = 60 * 1024;
    private const int BatchBytes = 16 * ChunkBytes;
    private const int MaxEventBytes = 15 * ChunkBytes;
    private const int MaxDeletes = 100;
    private const int Writers = 4;
    private const int EventsForAnotherWriter = 16;
    private static readonly TimeSpan QueuePoll = TimeSpan.FromMilliseconds(2);
    private const long MaxKeptBytes = 64L * 1024 * 1024;
    private static readonly TimeSpan PartitionWindow = TimeSpan.FromSeconds(10);

    private readonly CreatedTable _table;
    private readonly TimeProvider _clock;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly string _instance = Guid.NewGuid().ToString("N")[..12];
    private readonly Lazy<Task> _dispatcher;
    private readonly JournalMetrics? _metrics;
    private readonly TimeSpan _linger;
    // The mean gap between appends (ms, a moving average): lingering pays only when company is due.
    private long _lastAppend;
    private double _meanGap = double.MaxValue;

    // Batches this instance wrote, kept packed (up to MaxKeptBytes) until its drainer takes them, so
    // that draining its own batches reads nothing back: under load that read was a large share of
    // the storage's work (every event written was also sent back once).
    private readonly ConcurrentQueue<StoredBatch> _kept = new();
    private long _keptBytes;
    private long _sequence;

    /// <summary>A journal in <paramref name="storage"/>'s account, written by <paramref name="silo"/>.</summary>
    /// <param name="storage">The storage account.</param>
    /// <param name="clock">Dates the batches.</param>
    /// <param name="silo">This silo (<c>SiloAddress.ToParsableString()</c>), kept with each batch so that drainers leave a live silo's entries to it.</param>
    /// <param name="metrics">Where batch writes are reported; none in tests that do not look.</param>
    public AzureTableEventJournal(StorageOptions storage, TimeProvider clock, string silo, JournalMetrics? metrics = null)
    {
        _table = new CreatedTable(StorageClients.Tables(storage).GetTableClient(Table));
        _clock = clock;
        _linger = storage.JournalLinger;
        _metrics = metrics;
        Writer = silo;
        _dispatcher = new Lazy<Task>(() => Task.Run(DispatchLoopAsync));
    }

    /// <inheritdoc />
    public string Writer { get; }

    /// <inheritdoc />
    public Task AppendAsync(string tenantId, WherebyEvent evt, CancellationToken cancellationToken)
    {
        _ = _dispatcher.Value;
        var json = JsonSerializer.SerializeToUtf8Bytes(evt, JournalJsonContext.Default.WherebyEvent);
        if (json.Length > MaxEventBytes)
        {
            throw new InvalidOperationException("The event is too large for the journal.");
        }
        var now = _clock.GetTimestamp();
        var last = Interlocked.Exchange(ref _lastAppend, now);
        // Races between appends only blur the average a little: it is a hint, not a count.
        var gap = last == 0 ? double.MaxValue : _clock.GetElapsedTime(last, now).TotalMilliseconds;
        _meanGap = _meanGap == double.MaxValue || gap == double.MaxValue ? gap : 0.9 * _meanGap + 0.1 * gap;
        var pending = new Pending(tenantId, evt, json, now);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The journal is closed.");
        }
        return pending.Written.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public IReadOnlyList<JournalEntry> TakeWrittenBefore(DateTimeOffset before, int max)
    {
        var entries = new List<JournalEntry>();
        while (entries.Count < max && _kept.TryPeek(out var batch) && batch.WrittenAt < before && _kept.TryDequeue(out batch))
        {
            Interlocked.Add(ref _keptBytes, -batch.Packed.Length);
            entries.AddRange(batch.Entries());
        }
        return entries;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Two passes: the batches' writers and times first (most of a scan is left, above all the
    /// live silos' recent batches), then the events of the batches taken, a query a partition.
    /// </remarks>
    public async Task<IReadOnlyList<JournalEntry>> ReadWrittenBeforeAsync(DateTimeOffset before, int max, Func<string?, DateTimeOffset, bool>? take, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken);
        var taken = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var events = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey lt {PartitionPrefix(before)}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey", "Silo", "Count", "At"], cancellationToken: cancellationToken))
        {
            if (WrittenAt(entity) is var writtenAt && writtenAt < before && (take is null || take(entity.GetString("Silo"), writtenAt)))
            {
                (taken.TryGetValue(entity.PartitionKey, out var rows) ? rows : taken[entity.PartitionKey] = new(StringComparer.Ordinal)).Add(entity.RowKey);
                events += entity.GetInt32("Count") ?? 0;
            }
            if (events >= max)
            {
                break;
            }
        }
        var entries = new List<JournalEntry>(events);
        foreach (var (partition, rows) in taken)
        {
            var first = rows.Min(StringComparer.Ordinal)!;
            var last = rows.Max(StringComparer.Ordinal)!;
            var batches = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {first} and RowKey le {last}");
            await foreach (var entity in table.QueryAsync<TableEntity>(batches, cancellationToken: cancellationToken))
            {
                if (rows.Contains(entity.RowKey))
                {
                    entries.AddRange(Stored(entity).Entries());
                }
            }
        }
        return entries;
    }

    /// <inheritdoc />
    /// <remarks>A transaction per partition and 100 batches.</remarks>
    public async Task RemoveAsync(IEnumerable<JournalEntry> entries, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken);
        foreach (var partition in entries.GroupBy(e => e.Partition))
        {
            foreach (var rows in partition.Select(e => e.Row).Distinct(StringComparer.Ordinal).Chunk(MaxDeletes))
            {
                try
                {
                    await table.SubmitTransactionAsync(rows.Select(row => Delete(partition.Key, row)), cancellationToken);
                }
                catch (TableTransactionFailedException)
                {
                    // Some were gone: remove what is left of them, still together.
                    var left = await ExistingAsync(table, partition.Key, rows, cancellationToken);
                    if (left.Count > 0)
                    {
                        await table.SubmitTransactionAsync(left.Select(row => Delete(partition.Key, row)), cancellationToken);
                    }
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _queue.Writer.TryComplete();

    /// <summary>
    /// Group commit: one batch in flight while the next fills, so that a batch holds what arrived
    /// during the write before it. Another writer starts only when enough events wait
    /// (<see cref="EventsForAnotherWriter"/>): at a moderate rate, parallel writers would each take a
    /// few events, and the storage's requests would follow the events instead of the batches. With
    /// no write under way, a batch waits up to <see cref="StorageOptions.JournalLinger"/> for company.
    /// </summary>
    private async Task DispatchLoopAsync()
    {
        var slots = new Task[Writers];
        Array.Fill(slots, Task.CompletedTask);
        Pending? carried = null;
        while (carried is not null || await _queue.Reader.WaitToReadAsync())
        {
            var busy = slots.Where(s => !s.IsCompleted).ToList();
            if (busy.Count == Writers)
            {
                await Task.WhenAny(busy);
                continue;
            }
            if (busy.Count == 0 && carried is null && _queue.Reader.Count < EventsForAnotherWriter && 2 * _meanGap < _linger.TotalMilliseconds
                && _queue.Reader.TryPeek(out var oldest) && _clock.GetElapsedTime(oldest.Queued) is var waited && waited < _linger)
            {
                // Nothing in flight to gather the next batch, and events come often enough that a
                // few more are due within the linger: wait a little for company.
                await Task.Delay(waited + QueuePoll < _linger ? QueuePoll : _linger - waited, _clock);
                continue;
            }
            if (busy.Count > 0 && carried is null && _queue.Reader.Count < EventsForAnotherWriter)
            {
                // Wait for the write under way, or (looking again every QueuePoll) for the queue to
                // grow to a batch worth another writer.
                await Task.WhenAny(Task.WhenAny(busy), Task.Delay(QueuePoll, _clock));
                continue;
            }
            var batch = new List<Pending>();
            var bytes = 0;
            if (carried is not null)
            {
                batch.Add(carried);
                bytes = carried.Size;
                carried = null;
            }
            while (batch.Count < MaxEvents && _queue.Reader.TryRead(out var pending))
            {
                if (batch.Count > 0 && bytes + pending.Size > BatchBytes)
                {
                    carried = pending;
                    break;
                }
                batch.Add(pending);
                bytes += pending.Size;
            }
            if (batch.Count > 0)
            {
                var slot = Array.FindIndex(slots, s => s.IsCompleted);
                slots[slot] = WriteBatchAsync(slot, batch, bytes);
            }
        }
        await Task.WhenAll(slots);
    }

    /// <summary>Writes one batch and completes its events' appends; never throws.</summary>
    private async Task WriteBatchAsync(int writer, List<Pending> batch, int bytes)
    {
        var started = _clock.GetTimestamp();
        try
        {
            await WriteAsync(writer, batch, bytes);
            _metrics?.Record(_clock.GetElapsedTime(started), batch.Count, written: true);
            foreach (var pending in batch)
            {
                pending.Written.TrySetResult();
            }
        }
        catch (Exception e)
        {
            _metrics?.Record(_clock.GetElapsedTime(started), batch.Count, written: false);
            foreach (var pending in batch)
            {
                pending.Written.TrySetException(e);
            }
        }
    }

    private async Task WriteAsync(int writer, List<Pending> batch, int bytes)
    {
        var table = await _table.GetAsync();
        // To the millisecond, as stored: memory and the table tell one time.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(_clock.GetUtcNow().ToUnixTimeMilliseconds());
        var window = now.AddTicks(-(now.UtcTicks % PartitionWindow.Ticks));
        var partition = $"{PartitionPrefix(window)}-{_instance}-{writer}";
        var row = Interlocked.Increment(ref _sequence).ToString("D10", CultureInfo.InvariantCulture);
        var entity = new TableEntity(partition, row)
        {
            ["Silo"] = Writer,
            ["Count"] = batch.Count,
            ["At"] = now.ToUnixTimeMilliseconds(),
        };
        var packed = new byte[bytes];
        var at = 0;
        foreach (var pending in batch)
        {
            at = Put(packed, at, pending.Tenant);
            at = Put(packed, at, pending.Json);
        }
        for (var chunk = 0; chunk * ChunkBytes < packed.Length; chunk++)
        {
            entity[$"B{chunk}"] = packed.Length <= ChunkBytes ? packed : packed.AsSpan(chunk * ChunkBytes, Math.Min(ChunkBytes, packed.Length - chunk * ChunkBytes)).ToArray();
        }
        try
        {
            await table.AddEntityAsync(entity);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // The batch's key is this writer's alone: a conflict is a retry of an add that went through.
        }
        Keep(new StoredBatch(partition, row, Writer, now, batch.Count, packed));
    }

    private void Keep(StoredBatch batch)
    {
        // Past the bound (a rate the drainer's age makes too much to hold), the drainer reads the batch back instead.
        if (Interlocked.Add(ref _keptBytes, batch.Packed.Length) > MaxKeptBytes)
        {
            Interlocked.Add(ref _keptBytes, -batch.Packed.Length);
            return;
        }
        _kept.Enqueue(batch);
    }

    private static int Put(byte[] packed, int at, byte[] bytes)
    {
        BinaryPrimitives.WriteInt32LittleEndian(packed.AsSpan(at), bytes.Length);
        bytes.CopyTo(packed.AsSpan(at + sizeof(int)));
        return at + sizeof(int) + bytes.Length;
    }

    private static TableTransactionAction Delete(string partition, string row) =>
        new(TableTransactionActionType.Delete, new TableEntity(partition, row), ETag.All);

    private static async Task<List<string>> ExistingAsync(TableClient table, string partition, string[] rows, CancellationToken cancellationToken)
    {
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            existing.Add(entity.RowKey);
        }
        return [.. rows.Where(existing.Contains)];
    }

    /// <summary>A stored batch as its entity holds it.</summary>
    private static StoredBatch Stored(TableEntity entity) =>
        new(entity.PartitionKey, entity.RowKey, entity.GetString("Silo"), WrittenAt(entity), entity.GetInt32("Count") ?? 0, Joined(entity));

    /// <summary>
    /// When a stored batch was written: its time (<c>At</c>), or for a batch that does not say (up
    /// to the release of 2026-12-08), the end of its partition's window, so that it is never taken
    /// for older than it is.
    /// </summary>
    private static DateTimeOffset WrittenAt(TableEntity entity) =>
        entity.GetInt64("At") is { } at
            ? DateTimeOffset.FromUnixTimeMilliseconds(at)
            : DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(entity.PartitionKey.AsSpan(0, 13), CultureInfo.InvariantCulture)) + PartitionWindow;

    private static ReadOnlySpan<byte> Take(byte[] packed, ref int at)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(packed.AsSpan(at));
        var bytes = packed.AsSpan(at + sizeof(int), length);
        at += sizeof(int) + length;
        return bytes;
    }

    private static byte[] Joined(TableEntity entity)
    {
        var parts = new List<byte[]>();
        for (var chunk = 0; entity.GetBinary($"B{chunk}") is { } part; chunk++)
        {
            parts.Add(part);
        }
        return parts.Count == 1 ? parts[0] : [.. parts.SelectMany(p => p)];
    }

    private static string PartitionPrefix(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString("D13", CultureInfo.InvariantCulture);

    /// <summary>One batch as written: where, by whom, when, and its events packed.</summary>
    private sealed record StoredBatch(string Partition, string Row, string? Writer, DateTimeOffset WrittenAt, int Count, byte[] Packed)
    {
        /// <summary>Its events, decoded.</summary>
        public List<JournalEntry> Entries()
        {
            var entries = new List<JournalEntry>(Count);
            var at = 0;
            for (var i = 0; i < Count; i++)
            {
                var tenant = Encoding.UTF8.GetString(Take(Packed, ref at));
                var evt = JsonSerializer.Deserialize(Take(Packed, ref at), JournalJsonContext.Default.WherebyEvent)!;
                entries.Add(new JournalEntry(Partition, Row, tenant, evt, Writer, WrittenAt));
            }
            return entries;
        }
    }

    private sealed record Pending(string TenantId, WherebyEvent Event, byte[] Json, long Queued)
    {
        /// <summary>The tenant id as packed.</summary>
        public byte[] Tenant { get; } = Encoding.UTF8.GetBytes(TenantId);

        /// <summary>Its bytes packed: its tenant and JSON, each with its length.</summary>
        public int Size => 2 * sizeof(int) + Tenant.Length + Json.Length;

        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>Source-generated JSON for journaled events.</summary>
[JsonSerializable(typeof(WherebyEvent))]
internal sealed partial class JournalJsonContext : JsonSerializerContext;
