using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using WherebyGrains.Contracts;
using WherebyGrains.Grains;
using WherebyGrains.ServiceDefaults;

namespace WherebyGrains.Silo.Tests;

/// <summary>The room index on Azure: an entity a room, in name order, and the bucket records of the earlier layout still listed.</summary>
[Trait("Category", "Integration")]
public sealed class RoomIndexTests : AzuriteTest
{
    [Fact]
    public async Task Names_of_any_characters_come_back_in_ordinal_order_page_by_page()
    {
        var names = new AzureTableRoomNames(new StorageOptions { ConnectionString = Azurite.ConnectionString }, StorageWriteGate.Unbounded);
        string[] rooms = ["/alpha", "/Zeta", "/a#b?c\\d", "/ü-room", "/😀", "/alpha-2", "/" + new string('x', 300) + "1", "/" + new string('x', 300) + "2", "/tab\there"];
        foreach (var room in rooms.Concat(rooms))
        {
            await names.AddAsync("acme/7", room);
        }
        await names.AddAsync("acme/8", "/other-bucket");

        var listed = new List<string>();
        string? after = null;
        while (await names.ListAsync("acme/7", after, 2) is { Count: > 0 } page)
        {
            listed.AddRange(page);
            after = page[^1];
        }
        Assert.Equal(rooms.Length, listed.Count);
        Assert.Equal(rooms.ToHashSet(), listed.ToHashSet());
        // Names of up to 256 characters are in ordinal order; longer ones follow their shared prefix.
        var ordinary = rooms.Where(r => r.Length <= 256).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(ordinary, listed.Where(r => r.Length <= 256));
        Assert.Equal(["/alpha-2", "/tab\there"], await names.ListAsync("acme/7", "/alpha", 2));
        Assert.Equal(["/other-bucket"], await names.ListAsync("acme/8", null, 10));
    }

    [Fact]
    public async Task Rooms_a_bucket_record_held_before_are_listed_with_those_registered_since()
    {
        await using var silo = new SiloFactory(Azurite.ConnectionString);
        var bucketKey = IRoomIndexGrain.KeyFor(SiloFactory.Tenant, "/before-the-upgrade");
        var bucket = silo.Grains.GetGrain<IRoomIndexGrain>(bucketKey);
        var held = new RoomIndexState();
        held.Rooms.Add("/before-the-upgrade");
        await silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains)
            .WriteStateAsync("roomindex", ((IAddressable)bucket).GetGrainId(), new GrainState<RoomIndexState>(held));

        // A room whose name hashes to the same bucket, registered now: an entity of its own.
        var since = Enumerable.Range(0, 10_000).Select(i => $"/since-{i}").First(n => IRoomIndexGrain.KeyFor(SiloFactory.Tenant, n) == bucketKey);
        await bucket.AddAsync(since);
        await bucket.AddAsync("/before-the-upgrade");
        await silo.Grains.GetGrain<IRoomIndexGrain>(IRoomIndexGrain.KeyFor(SiloFactory.Tenant, "/elsewhere")).AddAsync("/elsewhere");

        Assert.Equal(["/before-the-upgrade", since], await bucket.ListAsync(null, 10));
        Assert.Equal([since], await bucket.ListAsync("/before-the-upgrade", 10));
        var record = new GrainState<RoomIndexState>(new RoomIndexState());
        await silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains).ReadStateAsync("roomindex", ((IAddressable)bucket).GetGrainId(), record);
        // The old record is left as it was: new rooms do not rewrite it.
        Assert.Equal(["/before-the-upgrade"], record.State!.Rooms);

        using var response = await silo.Reader().GetAsync("/v1/insights/rooms?limit=100", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var listing = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(new[] { "/before-the-upgrade", "/elsewhere", since }.Order(StringComparer.Ordinal),
            listing.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("roomName").GetString()));
    }
}
