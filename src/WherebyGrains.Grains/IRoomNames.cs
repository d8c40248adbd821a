namespace WherebyGrains.Grains;

/// <summary>
/// Where the room index keeps its names when its buckets' own records do not (Azure: a table entity
/// a room): each name written once, never rewritten with the others, read in ordinal order per
/// bucket. Without it (memory storage) each bucket keeps its names in its grain record.
/// </summary>
public interface IRoomNames
{
    /// <summary>Adds <paramref name="roomName"/> to the bucket <paramref name="bucketKey"/> (see <c>IRoomIndexGrain.BucketKey</c>); idempotent.</summary>
    Task AddAsync(string bucketKey, string roomName);

    /// <summary>Up to <paramref name="limit"/> names of the bucket after <paramref name="after"/>, ordinal ascending.</summary>
    Task<IReadOnlyList<string>> ListAsync(string bucketKey, string? after, int limit);
}
