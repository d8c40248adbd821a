using WherebyGrains.Contracts;

namespace WherebyGrains.Api.Webhooks;

/// <summary>
/// Durable storage for verified events whose room could not record them in time (a silo crashed
/// and the cluster has not yet moved the room): the front door spools and acknowledges, and a
/// drainer applies them to their rooms later. Rooms dedupe, so applying twice is harmless.
/// </summary>
public interface IEventSpool
{
    /// <summary>Stores <paramref name="evt"/> durably; throws when it cannot.</summary>
    Task SpoolAsync(string tenantId, WherebyEvent evt, CancellationToken cancellationToken);
}
