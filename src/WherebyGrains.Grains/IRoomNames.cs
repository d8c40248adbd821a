using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// Where the room index keeps its listings when its buckets' own records do not (Azure: a table
/// entity a room): each written on its own, never rewritten with the others, read in ordinal order
/// per bucket. Without it (memory storage) each bucket keeps its listings in its grain record.
/// </summary>
public interface IRoomNames
{
    /// <summary>Lists a room in the bucket <paramref name="bucketKey"/> (see <c>IRoomIndexGrain.BucketKey</c>), replacing its listing; idempotent.</summary>
    Task PutAsync(string bucketKey, RoomListing listing);

    /// <summary>Up to <paramref name="limit"/> rooms of the bucket whose names follow <paramref name="after"/>, ordinal ascending.</summary>
    Task<IReadOnlyList<RoomListing>> ListAsync(string bucketKey, string? after, int limit);
}
