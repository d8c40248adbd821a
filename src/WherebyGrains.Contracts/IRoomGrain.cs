namespace WherebyGrains.Contracts;

/// <summary>
/// One Whereby room of one tenant, keyed by <see cref="RoomKey"/>. It owns the room's events:
/// it dedupes them and makes them durable before acknowledging.
/// </summary>
[Alias("wg.IRoomGrain")]
public interface IRoomGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records one event durably. Returns only once the event is in storage; throws when it
    /// could not be stored (the caller answers 503 and Whereby retries).
    /// </summary>
    [Alias("Record")]
    Task<IngestOutcome> RecordAsync(WherebyEvent evt);

    /// <summary>The events this room has recorded, oldest first by <see cref="WherebyEvent.CreatedAt"/>.</summary>
    [Alias("GetRecordedEvents")]
    Task<IReadOnlyList<WherebyEvent>> GetRecordedEventsAsync();
}
