using WherebyGrains.Contracts;

namespace WherebyGrains.Grains.Tests;

/// <summary>The room index with memory storage: each bucket keeps its rooms' listings in its own record.</summary>
[Trait("Category", "Cluster")]
public sealed class RoomIndexTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static RoomSummary Totals(string room, int sessions) => new()
    {
        RoomName = room, TotalSessions = sessions, TotalParticipantMinutes = 10 * sessions, TotalParticipantSeconds = 600 * sessions,
        TotalUniqueParticipants = 2, PeakParticipants = 2, TotalRecorderMinutes = 0, TotalStreamerMinutes = 0, TotalUniqueRecorders = 0, TotalUniqueStreamers = 0,
    };

    [Fact]
    public async Task A_bucket_lists_its_rooms_by_name_after_a_cursor_with_the_listing_each_pushed_last()
    {
        var bucket = fixture.Grains.GetGrain<IRoomIndexGrain>(IRoomIndexGrain.BucketKey("index-test", 5));
        await bucket.PutAsync(new RoomListing("/b", Totals("/b", 1)));
        await bucket.PutAsync(new RoomListing("/a", null));
        await bucket.PutAsync(new RoomListing("/d/e", Totals("/d/e", 3)));
        await bucket.PutAsync(new RoomListing("/c", Totals("/c", 1)));
        // A live room lists without totals; once its session ends, with them.
        await bucket.PutAsync(new RoomListing("/a", Totals("/a", 2)));
        await bucket.PutAsync(new RoomListing("/c", null));

        Assert.Equal(
            [new RoomListing("/a", Totals("/a", 2)), new("/b", Totals("/b", 1)), new("/c", null), new("/d/e", Totals("/d/e", 3))],
            await bucket.ListAsync(null, 10));
        Assert.Equal([new RoomListing("/c", null), new("/d/e", Totals("/d/e", 3))], await bucket.ListAsync("/b", 2));
        Assert.Empty(await bucket.ListAsync("/d/e", 10));
    }

    [Fact]
    public void Rooms_spread_over_the_buckets_by_their_name()
    {
        var buckets = Enumerable.Range(0, 1000).Select(i => IRoomIndexGrain.KeyFor("acme", $"/room-{i}")).ToHashSet();
        Assert.Equal(IRoomIndexGrain.Buckets, buckets.Count);
        Assert.All(buckets, key => Assert.Matches(@"^acme/\d+$", key));
    }
}
