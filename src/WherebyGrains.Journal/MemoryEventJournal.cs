using System.Collections.Concurrent;
using System.Globalization;
using WherebyGrains.Contracts;

namespace WherebyGrains.Journal;

/// <summary>
/// The journal in this process's memory, for memory storage and the grain tests: the same ingest
/// path and drainer as on Azure Table, with nothing that outlives the process. An entry is a batch of its own.
/// </summary>
public sealed class MemoryEventJournal(string writer, TimeProvider clock) : IEventJournal
{
    private const string Partition = "memory";
    private readonly ConcurrentDictionary<string, JournalEntry> _stored = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<JournalEntry> _kept = new();
    private long _sequence;

    /// <inheritdoc />
    public string Writer => writer;

    /// <summary>The entries stored (appended, not yet removed).</summary>
    public int Count => _stored.Count;

    /// <inheritdoc />
    public Task AppendAsync(string tenantId, WherebyEvent evt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Rows sort as they were appended: the oldest are read first.
        var row = Interlocked.Increment(ref _sequence).ToString("D19", CultureInfo.InvariantCulture);
        var entry = new JournalEntry(Partition, row, tenantId, evt, writer, clock.GetUtcNow());
        _stored[row] = entry;
        _kept.Enqueue(entry);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public IReadOnlyList<JournalEntry> TakeWrittenBefore(DateTimeOffset before, int max)
    {
        var entries = new List<JournalEntry>();
        while (entries.Count < max && _kept.TryPeek(out var entry) && entry.WrittenAt < before && _kept.TryDequeue(out entry))
        {
            entries.Add(entry);
        }
        return entries;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<JournalEntry>> ReadWrittenBeforeAsync(DateTimeOffset before, int max, Func<string?, DateTimeOffset, bool>? take, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<JournalEntry>>([.. _stored.Values
            .Where(e => e.WrittenAt < before && (take is null || take(e.Writer, e.WrittenAt)))
            .OrderBy(e => e.Row, StringComparer.Ordinal)
            .Take(max)]);

    /// <inheritdoc />
    public Task RemoveAsync(IEnumerable<JournalEntry> entries, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            _stored.TryRemove(entry.Row, out _);
        }
        return Task.CompletedTask;
    }
}
