using WherebyGrains.Contracts;

namespace WherebyGrains.Grains;

/// <summary>
/// People's rows under memory storage (benchmarks, tests, trying the service out): held by
/// <see cref="Shards"/> in-memory grains (<see cref="IPersonRowsGrain"/>), a person's rows in the
/// shard their key hashes to, so that every silo of a cluster reads what any of them wrote.
/// </summary>
public sealed class MemoryPersonRecords(IGrainFactory grains) : IPersonRecords
{
    /// <summary>How many shards hold the rows: enough that one is never the queue a benchmark measures.</summary>
    public const int Shards = 64;

    /// <inheritdoc />
    public Task WriteAsync(string tenantId, string roomName, IReadOnlyList<PersonHandOff> handOffs) =>
        Task.WhenAll(handOffs.GroupBy(h => Shard(h.PersonKey)).Select(shard => grains.GetGrain<IPersonRowsGrain>(shard.Key).WriteAsync([.. shard])));

    /// <inheritdoc />
    public Task<IReadOnlyList<AttendanceRow>> ReadAsync(string personKey) =>
        grains.GetGrain<IPersonRowsGrain>(Shard(personKey)).ReadAsync(personKey);

    private static long Shard(string personKey) => (long)(StoredHash.Of(personKey) % Shards);
}
