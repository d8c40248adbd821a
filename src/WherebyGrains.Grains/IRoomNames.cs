using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// Where the room index keeps its listings when its buckets' own records do not (Azure: a table
/// entity a room, written with the silo's other listings); read in ordinal order per bucket.
/// Without it (memory storage) each bucket keeps its listings in its grain record.
/// </summary>
public interface IRoomNames
{
    /// <summary>Lists rooms (each name at most once) in the bucket <paramref name="bucketKey"/> (see <c>IRoomIndexGrain.BucketKey</c>), replacing their listings; idempotent.</summary>
    Task PutAsync(string bucketKey, IReadOnlyCollection<RoomListing> listings);

    /// <summary>Up to <paramref name="limit"/> rooms of the bucket whose names follow <paramref name="after"/>, ordinal ascending.</summary>
    Task<IReadOnlyList<RoomListing>> ListAsync(string bucketKey, string? after, int limit);
}
