namespace WherebyGrains.Contracts;

/// <summary>
/// One bucket of a tenant's room index, keyed <c>{tenantId}/{bucket}</c>. Rooms are spread over
/// <see cref="Buckets"/> buckets by a hash of their name, so no single grain holds a large tenant's
/// rooms; a listing merges the buckets' sorted slices. Rooms push their listings here
/// (<see cref="RoomListing"/>), so that listing them activates none.
/// </summary>
[Alias("wg.IRoomIndexGrain")]
public interface IRoomIndexGrain : IGrainWithStringKey
{
    /// <summary>The number of buckets per tenant.</summary>
    const int Buckets = 64;

    /// <summary>The grain key of bucket <paramref name="bucket"/> of <paramref name="tenantId"/>.</summary>
    static string BucketKey(string tenantId, int bucket) => $"{tenantId}/{bucket}";

    /// <summary>The bucket grain key for <paramref name="roomName"/>.</summary>
    static string KeyFor(string tenantId, string roomName) =>
        BucketKey(tenantId, StoredHash.Bucket(roomName, Buckets));

    /// <summary>Lists a room, or replaces its listing (idempotent).</summary>
    [Alias("Put")]
    Task PutAsync(RoomListing listing);

    /// <summary>Up to <paramref name="limit"/> rooms whose names follow <paramref name="after"/>, ordinal ascending.</summary>
    [Alias("ListRooms")]
    Task<IReadOnlyList<RoomListing>> ListAsync(string? after, int limit);
}
