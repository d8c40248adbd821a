using System.Net;
using Azure.Data.Tables;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using WherebyGrains.Contracts;
using WherebyGrains.Grains;
using WherebyGrains.ServiceDefaults;

namespace WherebyGrains.Silo.Tests;

/// <summary>The room index on Azure: an entity a room, in name order, with the totals its room pushed.</summary>
[Trait("Category", "Integration")]
public sealed class RoomIndexTests : AzuriteTest
{
    private AzureTableRoomNames NewNames() =>
        new(new StorageOptions { ConnectionString = Azurite.ConnectionString }, StorageWriteGate.Unbounded,
            Serializer, TimeProvider.System);

    private static Serializer<RoomSummary> Serializer { get; } = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<RoomSummary>>();

    [Fact]
    public async Task Names_of_any_characters_come_back_in_ordinal_order_page_by_page()
    {
        var names = NewNames();
        string[] rooms = ["/alpha", "/Zeta", "/a#b?c\\d", "/ü-room", "/😀", "/alpha-2", "/" + new string('x', 300) + "1", "/" + new string('x', 300) + "2", "/tab\there"];
        // Together (one transaction), then each again on its own (upserts: idempotent).
        await names.PutAsync("acme/7", [.. rooms.Select(room => new RoomListing(room, null))]);
        foreach (var room in rooms)
        {
            await names.PutAsync("acme/7", [new RoomListing(room, null)]);
        }
        await names.PutAsync("acme/8", [new RoomListing("/other-bucket", null)]);

        var listed = new List<string>();
        string? after = null;
        while (await names.ListAsync("acme/7", after, 2) is { Count: > 0 } page)
        {
            listed.AddRange(page.Select(l => l.RoomName));
            after = page[^1].RoomName;
        }
        Assert.Equal(rooms.Length, listed.Count);
        Assert.Equal(rooms.ToHashSet(), listed.ToHashSet());
        // Names of up to 255 characters are in ordinal order; longer ones follow their shared prefix.
        var ordinary = rooms.Where(r => r.Length <= 255).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(ordinary, listed.Where(r => r.Length <= 255));
        Assert.Equal(["/alpha-2", "/tab\there"], (await names.ListAsync("acme/7", "/alpha", 2)).Select(l => l.RoomName));
        Assert.Equal(["/other-bucket"], (await names.ListAsync("acme/8", null, 10)).Select(l => l.RoomName));
    }

    [Fact]
    public async Task A_listing_keeps_the_totals_its_room_pushed_last_and_none_while_it_is_live()
    {
        var names = NewNames();
        var totals = new RoomSummary
        {
            RoomName = "/pushed", FirstSessionStartedAt = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), LastSessionStartedAt = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero),
            TotalSessions = 1, TotalParticipantMinutes = 31, TotalParticipantSeconds = 1860, TotalUniqueParticipants = 2, PeakParticipants = 2,
            TotalRecorderMinutes = 0, TotalStreamerMinutes = 0, TotalUniqueRecorders = 0, TotalUniqueStreamers = 0,
        };

        await names.PutAsync("acme/9", [new RoomListing("/pushed", null)]);
        Assert.Equal([new RoomListing("/pushed", null)], await names.ListAsync("acme/9", null, 10));
        await names.PutAsync("acme/9", [new RoomListing("/pushed", totals)]);
        Assert.Equal([new RoomListing("/pushed", totals)], await names.ListAsync("acme/9", null, 10));
        // A new session goes live: the listing drops the totals again (the list asks the room).
        await names.PutAsync("acme/9", [new RoomListing("/pushed", null)]);
        Assert.Equal([new RoomListing("/pushed", null)], await names.ListAsync("acme/9", null, 10));
    }

    [Fact]
    public async Task More_listings_at_once_than_a_transaction_takes_are_all_written()
    {
        var names = NewNames();
        var rooms = Enumerable.Range(0, 250).Select(i => $"/many-{i:D3}").ToList();

        await names.PutAsync("acme/10", [.. rooms.Select(room => new RoomListing(room, null))]);

        var listed = new List<string>();
        string? after = null;
        while (await names.ListAsync("acme/10", after, 100) is { Count: > 0 } page)
        {
            listed.AddRange(page.Select(l => l.RoomName));
            after = page[^1].RoomName;
        }
        Assert.Equal(rooms, listed);
    }

    [Fact]
    public async Task The_listings_of_a_tenants_buckets_share_its_few_partitions_and_each_bucket_lists_only_its_own()
    {
        var names = NewNames();
        var buckets = Enumerable.Range(0, IRoomIndexGrain.Buckets).ToList();

        await Task.WhenAll(buckets.Select(b => names.PutAsync($"shared/{b}", [new RoomListing($"/room-{b:D2}-a", null), new RoomListing($"/room-{b:D2}-b", null)])));

        var table = new TableClient(Azurite.ConnectionString, AzureTableRoomNames.Table);
        var partitions = new HashSet<string>();
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo("shared_") >= 0 && e.PartitionKey.CompareTo("shared`") < 0, cancellationToken: TestContext.Current.CancellationToken))
        {
            partitions.Add(entity.PartitionKey);
        }
        Assert.Equal(AzureTableRoomNames.Partitions, partitions.Count);
        foreach (var b in buckets)
        {
            Assert.Equal([$"/room-{b:D2}-a", $"/room-{b:D2}-b"], (await names.ListAsync($"shared/{b}", null, 10)).Select(l => l.RoomName));
            Assert.Equal([$"/room-{b:D2}-b"], (await names.ListAsync($"shared/{b}", $"/room-{b:D2}-a", 10)).Select(l => l.RoomName));
        }
    }

    [Fact]
    public async Task Listings_of_the_released_layout_are_listed_and_a_newer_listing_of_the_same_room_replaces_them()
    {
        // Releases up to 2026-12-08: a partition a bucket, row the name's key.
        var table = new TableClient(Azurite.ConnectionString, AzureTableRoomNames.Table);
        await table.CreateIfNotExistsAsync(TestContext.Current.CancellationToken);
        var totals = new RoomSummary
        {
            RoomName = "/old-b", FirstSessionStartedAt = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), LastSessionStartedAt = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero),
            TotalSessions = 1, TotalParticipantMinutes = 2, TotalParticipantSeconds = 120, TotalUniqueParticipants = 2, PeakParticipants = 2,
            TotalRecorderMinutes = 0, TotalStreamerMinutes = 0, TotalUniqueRecorders = 0, TotalUniqueStreamers = 0,
        };
        foreach (var room in new[] { "/old-a", "/old-b", "/old-c" })
        {
            await table.UpsertEntityAsync(new TableEntity("upgraded_5", AzureTableRoomNames.ReleasedRowKeyOf(room)) { ["Name"] = room }, cancellationToken: TestContext.Current.CancellationToken);
        }
        var names = NewNames();

        // After the upgrade, before any listing: a room of the old layout pushes its totals, a new room is listed; pages merge both layouts.
        await names.PutAsync("upgraded/5", [new RoomListing("/old-b", totals), new RoomListing("/new-a", null)]);
        Assert.Equal([new RoomListing("/new-a", null), new RoomListing("/old-a", null)], await names.ListAsync("upgraded/5", null, 2));
        Assert.Equal([new RoomListing("/new-a", null), new RoomListing("/old-a", null), new RoomListing("/old-b", totals), new RoomListing("/old-c", null)], await names.ListAsync("upgraded/5", null, 10));
        Assert.Equal([new RoomListing("/old-a", null), new RoomListing("/old-b", totals)], await names.ListAsync("upgraded/5", "/new-a", 2));
        Assert.Equal([new RoomListing("/old-c", null)], await names.ListAsync("upgraded/5", "/old-b", 2));

        // What the pages found moved to the current layout (the pushed totals kept): the old partition is empty, the list the same.
        var left = new List<string>();
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == "upgraded_5", cancellationToken: TestContext.Current.CancellationToken))
        {
            left.Add(entity.GetString("Name"));
        }
        Assert.Empty(left);
        Assert.Equal([new RoomListing("/new-a", null), new RoomListing("/old-a", null), new RoomListing("/old-b", totals), new RoomListing("/old-c", null)], await NewNames().ListAsync("upgraded/5", null, 10));
    }
}
