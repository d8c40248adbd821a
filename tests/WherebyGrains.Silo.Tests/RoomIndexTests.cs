using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using WherebyGrains.Contracts;
using WherebyGrains.Grains;
using WherebyGrains.ServiceDefaults;

namespace WherebyGrains.Silo.Tests;

/// <summary>The room index on Azure: an entity a room, in name order.</summary>
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
}
