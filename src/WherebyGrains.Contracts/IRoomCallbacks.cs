namespace WherebyGrains.Contracts;

/// <summary>
/// What the service itself asks of a room, beside the ingest path and the views: the journal's
/// drainer and the room's archived sessions. Same key and activation as <see cref="IRoomGrain"/>.
/// </summary>
[Alias("wg.IRoomCallbacks")]
public interface IRoomCallbacks : IGrainWithStringKey
{
    /// <summary>
    /// Takes journaled events as <see cref="IRoomGrain.ApplyAsync"/> does, in one call, and completes
    /// once the room's own record holds every one of them: the journal may then drop them.
    /// </summary>
    [Alias("Checkpoint")]
    Task CheckpointAsync(IReadOnlyList<WherebyEvent> events);

    /// <summary>Called by one of the room's archived sessions after a late event changed its totals.</summary>
    [Alias("UpdateArchived")]
    Task UpdateArchivedAsync(RoomSessionView summary);
}
