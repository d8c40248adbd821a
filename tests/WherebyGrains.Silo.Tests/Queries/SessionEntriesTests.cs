using Azure.Data.Tables;
using WherebyGrains.Contracts;
using WherebyGrains.Grains;
using WherebyGrains.ServiceDefaults;

namespace WherebyGrains.Silo.Tests;

/// <summary>The session directory's entries in the Azure Table against a real Azurite: written together by many rooms, found by id.</summary>
[Trait("Category", "Integration")]
public sealed class SessionEntriesTests : AzuriteTest
{
    [Fact]
    public async Task Entries_of_many_rooms_written_at_once_are_found_by_session_in_the_tenants_few_partitions()
    {
        using var entries = NewEntries();

        // Forty rooms register two sessions each at once; one session id is held by two rooms.
        await Task.WhenAll(Enumerable.Range(0, 40).Select(room => entries.AddAsync("acme", $"/lesson-{room}", [$"lesson-{room}-a", $"lesson-{room}-b"])));
        await entries.AddAsync("acme", "/breakout", ["lesson-7-b"]);

        Assert.Equal(["/lesson-12"], await entries.FindAsync("acme", "lesson-12-a"));
        Assert.Equal(["/breakout", "/lesson-7"], (await entries.FindAsync("acme", "lesson-7-b")).Order(StringComparer.Ordinal));
        Assert.Empty(await entries.FindAsync("acme", "lesson-99-a"));
        Assert.Empty(await entries.FindAsync("globex", "lesson-12-a"));

        var partitions = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var entity in new TableClient(Azurite.ConnectionString, AzureTableSessionEntries.Table).QueryAsync<TableEntity>(
            e => e.PartitionKey.CompareTo("acme_") >= 0 && e.PartitionKey.CompareTo("acme`") < 0, cancellationToken: TestContext.Current.CancellationToken))
        {
            partitions.Add(entity.PartitionKey);
        }
        Assert.Equal(AzureTableSessionEntries.Partitions, partitions.Count);
    }

    [Fact]
    public async Task Session_ids_and_room_names_with_characters_table_keys_refuse_are_stored_as_they_are_and_adding_twice_changes_nothing()
    {
        using var entries = NewEntries();
        const string room = "/a#b?c\\d";
        const string session = "s/1#\t?";

        await entries.AddAsync("acme", room, [session]);
        await entries.AddAsync("acme", room, [session]);

        Assert.Equal([room], await entries.FindAsync("acme", session));
    }

    [Fact]
    public async Task Entries_of_the_released_layout_are_found()
    {
        // The release of 2026-12-08: 64 partitions a tenant, the same rows.
        var table = new TableClient(Azurite.ConnectionString, AzureTableSessionEntries.Table);
        await table.CreateIfNotExistsAsync(TestContext.Current.CancellationToken);
        await table.UpsertEntityAsync(new TableEntity($"acme_{StoredHash.Bucket("released-1", 64)}", $"{StoredHash.Hex("released-1")}_{StoredHash.Hex("/old-room")}")
        {
            ["Session"] = "released-1",
            ["Room"] = "/old-room",
        }, cancellationToken: TestContext.Current.CancellationToken);
        using var entries = NewEntries();
        await entries.AddAsync("acme", "/new-room", ["released-1"]);

        Assert.Equal(["/new-room", "/old-room"], (await entries.FindAsync("acme", "released-1")).Order(StringComparer.Ordinal));
    }

    private AzureTableSessionEntries NewEntries() =>
        new(new StorageOptions { ConnectionString = Azurite.ConnectionString }, StorageWriteGate.Unbounded, TimeProvider.System);
}
