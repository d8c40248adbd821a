using WherebyGrains.Contracts;

namespace WherebyGrains.Api.Webhooks;

/// <summary>
/// Where the front door makes every verified event durable before acknowledging it, in batches
/// shared by every room (group commit): one storage request for many events. Rooms hold the
/// events at once and write their own records a little later; a drainer applies journal entries
/// to their rooms (which dedupe) once those are durable there, then removes them. It is also how
/// an event whose room is unreachable (a silo crashed) is still acknowledged and applied later.
/// </summary>
public interface IEventJournal
{
    /// <summary>Stores <paramref name="evt"/> durably; throws when it cannot.</summary>
    Task AppendAsync(string tenantId, WherebyEvent evt, CancellationToken cancellationToken);
}
