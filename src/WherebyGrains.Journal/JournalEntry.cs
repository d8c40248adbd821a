using WherebyGrains.Contracts;

namespace WherebyGrains.Journal;

/// <summary>One event in the journal, with where it is stored and who wrote it when.</summary>
/// <param name="Partition">Its partition (in Azure Table: a writer's ten seconds).</param>
/// <param name="Row">Its batch's row in the partition (its entries share it and are removed together).</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="Event">The event.</param>
/// <param name="Writer">The journal's <see cref="IEventJournal.Writer"/> that wrote it; null for entries that do not say.</param>
/// <param name="WrittenAt">When its batch was written.</param>
public sealed record JournalEntry(string Partition, string Row, string TenantId, WherebyEvent Event, string? Writer, DateTimeOffset WrittenAt);
