using System.Threading.Channels;
using Azure.Data.Tables;
using WherebyGrains.Grains;

namespace WherebyGrains.Silo;

/// <summary>
/// Group commit of upserts to one table: what the silo's grains queue within a gathering goes out
/// together, as entity-group transactions of up to 100 entities of one partition, so that the
/// storage's requests follow the silo's rate rather than the number of grains writing. A
/// transaction touches an entity once: of several queued for one key, the one of the highest
/// order wins (and every waiter of that key completes with it).
/// </summary>
public sealed class TableGroupCommit : IDisposable
{
    private const int MaxBatch = 100;

    private readonly CreatedTable _table;
    private readonly StorageWriteGate _gate;
    private readonly TimeSpan _gather;
    private readonly TimeProvider _clock;
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lazy<Task> _writer;

    /// <summary>Upserts to <paramref name="table"/> through <paramref name="gate"/>, gathered for <paramref name="gather"/>.</summary>
    public TableGroupCommit(CreatedTable table, StorageWriteGate gate, TimeSpan gather, TimeProvider clock)
    {
        _table = table;
        _gate = gate;
        _gather = gather;
        _clock = clock;
        _writer = new Lazy<Task>(() => Task.Run(WriteLoopAsync));
    }

    /// <summary>Queues <paramref name="entity"/> (replacing what its key holds); completes once it, or a newer one of its key, is durable.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="order">Among entities of one key queued together, the highest is written.</param>
    public Task UpsertAsync(TableEntity entity, long order = 0)
    {
        _ = _writer.Value;
        var pending = new Pending(entity, order);
        return _pending.Writer.TryWrite(pending) ? pending.Written.Task : Task.FromException(new ObjectDisposedException(nameof(TableGroupCommit)));
    }

    /// <inheritdoc />
    public void Dispose() => _pending.Writer.TryComplete();

    private async Task WriteLoopAsync()
    {
        var round = new List<Pending>();
        while (await _pending.Reader.WaitToReadAsync())
        {
            await Task.Delay(_gather, _clock);
            round.Clear();
            while (_pending.Reader.TryRead(out var pending))
            {
                round.Add(pending);
            }
            var writes = round.GroupBy(p => p.Entity.PartitionKey, StringComparer.Ordinal)
                .SelectMany(partition => partition.GroupBy(p => p.Entity.RowKey, StringComparer.Ordinal).Chunk(MaxBatch))
                .Select(WriteBatchAsync);
            await Task.WhenAll(writes);
        }
    }

    /// <summary>
    /// Writes one partition's entities, each key once, and completes everyone who waits for them;
    /// never throws. An entity the storage refuses fails its own waiters only: the rest of its
    /// transaction goes again without it (one bad row must not fail every room it shared a batch with).
    /// </summary>
    private async Task WriteBatchAsync(IGrouping<string, Pending>[] keys)
    {
        var left = keys.ToList();
        while (left.Count > 0)
        {
            try
            {
                // Of equal orders, the last queued: the newer.
                await WriteAsync([.. left.Select(k => k.Aggregate((a, b) => b.Order >= a.Order ? b : a).Entity)]);
                Complete(left, null);
                return;
            }
            // Refused (a 4xx of one entity's own): the rest goes again without it. A busy or failing
            // store (408, 429, 5xx) fails the whole batch once, rather than being sent it again and again.
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex is int failed && failed < left.Count && left.Count > 1
                && e.Status is >= 400 and < 500 and not (408 or 429))
            {
                Complete([left[failed]], e);
                left.RemoveAt(failed);
            }
            catch (Exception e)
            {
                Complete(left, e);
                return;
            }
        }
    }

    private async Task WriteAsync(IReadOnlyList<TableEntity> entities)
    {
        var table = await _table.GetAsync();
        using (await _gate.EnterAsync())
        {
            // A transaction of one costs more than a plain upsert (multipart request and answer).
            if (entities.Count == 1)
            {
                await table.UpsertEntityAsync(entities[0], TableUpdateMode.Replace);
            }
            else
            {
                await table.SubmitTransactionAsync(entities.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)));
            }
        }
    }

    private static void Complete(IEnumerable<IGrouping<string, Pending>> keys, Exception? failure)
    {
        foreach (var pending in keys.SelectMany(k => k))
        {
            if (failure is null)
            {
                pending.Written.TrySetResult();
            }
            else
            {
                pending.Written.TrySetException(failure);
            }
        }
    }

    private sealed record Pending(TableEntity Entity, long Order)
    {
        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
