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
}
