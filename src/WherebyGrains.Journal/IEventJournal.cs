using WherebyGrains.Contracts;

namespace WherebyGrains.Journal;

/// <summary>
/// The log of every event acknowledged: the front door appends each verified event before it
/// answers 2xx, in batches shared by every room (group commit). Rooms hold events at once and
/// write their own records later; the journal is the durable truth until they have. A drainer
/// takes what is due, hands it to the rooms (which dedupe), and removes it once their records hold it.
/// </summary>
public interface IEventJournal
{
    /// <summary>Who writes this journal (a silo's address): entries carry it, so that drainers leave a live writer's entries to it.</summary>
    string Writer { get; }

    /// <summary>Stores <paramref name="evt"/> durably; throws when it cannot.</summary>
    Task AppendAsync(string tenantId, WherebyEvent evt, CancellationToken cancellationToken);

    /// <summary>
    /// Whole batches this writer appended before <paramref name="before"/>, from memory, oldest first,
    /// until there are at least <paramref name="max"/> entries; each is handed out once. They stay
    /// stored until removed, and <see cref="ReadWrittenBeforeAsync"/> finds them (and what memory did not keep).
    /// </summary>
    IReadOnlyList<JournalEntry> TakeWrittenBefore(DateTimeOffset before, int max);

    /// <summary>
    /// Stored entries written before <paramref name="before"/>, oldest batches first, whole batches until
    /// there are at least <paramref name="max"/>; of those, the batches whose writer and time
    /// <paramref name="take"/> accepts (all when null; a batch's entries share them).
    /// </summary>
    Task<IReadOnlyList<JournalEntry>> ReadWrittenBeforeAsync(DateTimeOffset before, int max, Func<string?, DateTimeOffset, bool>? take, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the batches that hold <paramref name="entries"/> (already gone is fine: another drainer
    /// took them). Every entry of those batches must be in its room's record: pass only whole batches.
    /// </summary>
    Task RemoveAsync(IEnumerable<JournalEntry> entries, CancellationToken cancellationToken);
}
