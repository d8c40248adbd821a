namespace WherebyGrains.Contracts;

/// <summary>
/// One bucket of a tenant's room index, keyed <c>{tenantId}/{bucket}</c>. Rooms are spread over
/// <see cref="Buckets"/> buckets by a hash of their name, so no single grain holds a large tenant's
/// rooms; a listing merges the buckets' sorted slices.
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
        BucketKey(tenantId, (int)(System.IO.Hashing.XxHash32.HashToUInt32(System.Text.Encoding.UTF8.GetBytes(roomName)) % Buckets));

    /// <summary>Adds a room (idempotent; writes only when it is new).</summary>
    [Alias("Add")]
    Task AddAsync(string roomName);

    /// <summary>Up to <paramref name="limit"/> room names after <paramref name="after"/>, ordinal ascending.</summary>
    [Alias("List")]
    Task<IReadOnlyList<string>> ListAsync(string? after, int limit);
}
