using WherebyGrains.Contracts;

namespace WherebyGrains.Grains.Tests;

/// <summary>The room index with memory storage: each bucket keeps its names in its own record.</summary>
[Trait("Category", "Cluster")]
public sealed class RoomIndexTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Rooms_are_listed_by_name_across_buckets_after_a_cursor()
    {
        const string tenant = "index-test";
        string[] rooms = ["/b", "/a", "/c", "/a", "/d/e"];
        foreach (var room in rooms)
        {
            await fixture.Grains.GetGrain<IRoomIndexGrain>(IRoomIndexGrain.KeyFor(tenant, room)).AddAsync(room);
        }

        async Task<List<string>> ListAsync(string? after, int limit) =>
            [.. (await Task.WhenAll(Enumerable.Range(0, IRoomIndexGrain.Buckets).Select(b =>
                fixture.Grains.GetGrain<IRoomIndexGrain>(IRoomIndexGrain.BucketKey(tenant, b)).ListAsync(after, limit))))
                .SelectMany(s => s).Order(StringComparer.Ordinal).Take(limit)];

        Assert.Equal(["/a", "/b", "/c", "/d/e"], await ListAsync(null, 10));
        Assert.Equal(["/c", "/d/e"], await ListAsync("/b", 2));
    }
}
