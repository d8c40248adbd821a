using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains.Tests;

/// <summary>The session directory: an entry a session, and the buckets of its earlier layout still read.</summary>
[Trait("Category", "Cluster")]
public sealed class SessionDirectoryTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private ISessionDirectoryGrain Entry(string roomSessionId) =>
        fixture.Grains.GetGrain<ISessionDirectoryGrain>(ISessionDirectoryGrain.KeyFor(ClusterFixture.Tenant, roomSessionId));

    [Fact]
    public async Task Each_session_has_an_entry_of_its_own_listing_every_room_that_holds_it()
    {
        await Entry("9f1c0a7e-0000-4000-8000-000000000001").AddAsync("/math", ["9f1c0a7e-0000-4000-8000-000000000001"]);
        await Entry("inferred-1796029200000").AddAsync("/math", ["inferred-1796029200000"]);
        await Entry("inferred-1796029200000").AddAsync("/physics", ["inferred-1796029200000"]);
        await Entry("inferred-1796029200000").AddAsync("/math", ["inferred-1796029200000"]);

        Assert.Equal(["/math"], await Entry("9f1c0a7e-0000-4000-8000-000000000001").FindAsync("9f1c0a7e-0000-4000-8000-000000000001"));
        Assert.Equal(["/math", "/physics"], (await Entry("inferred-1796029200000").FindAsync("inferred-1796029200000")).Order(StringComparer.Ordinal));
        Assert.Empty(await Entry("never-seen").FindAsync("never-seen"));
        Assert.NotEqual(ISessionDirectoryGrain.KeyFor(ClusterFixture.Tenant, "a"), ISessionDirectoryGrain.KeyFor(ClusterFixture.Tenant, "b"));
    }

    [Fact]
    public async Task Sessions_registered_in_the_earlier_bucket_layout_are_still_found_with_rooms_registered_since()
    {
        // What an earlier release wrote: the session in the bucket record its id hashed to, among others.
        const string session = "inferred-1796032800000";
        var bucket = fixture.Grains.GetGrain<ISessionDirectoryGrain>(ISessionDirectoryGrain.LegacyBucketKeyFor(ClusterFixture.Tenant, session));
        var record = new SessionDirectoryState();
        record.Rooms[session] = ["/before-the-upgrade"];
        record.Rooms["another-session"] = ["/elsewhere"];
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        await storage.WriteStateAsync("sessiondirectory", ((IAddressable)bucket).GetGrainId(), new GrainState<SessionDirectoryState>(record));

        Assert.Equal(["/before-the-upgrade"], await Entry(session).FindAsync(session));

        await Entry(session).AddAsync("/after-the-upgrade", [session]);
        Assert.Equal(["/after-the-upgrade", "/before-the-upgrade"], (await Entry(session).FindAsync(session)).Order(StringComparer.Ordinal));
    }
}
