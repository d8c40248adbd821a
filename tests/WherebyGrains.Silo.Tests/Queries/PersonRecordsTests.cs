using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using WherebyGrains.Contracts;
using WherebyGrains.Grains;
using WherebyGrains.ServiceDefaults;

namespace WherebyGrains.Silo.Tests;

/// <summary>People's rows in the Azure Table against a real Azurite: rows of many rooms in shared partitions, the released layout, revisions, awkward keys.</summary>
[Trait("Category", "Integration")]
public sealed class PersonRecordsTests : AzuriteTest
{
    private static readonly PersonKeys Keys = new("person-records-test");
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_room_writes_hundreds_of_people_at_once_and_each_reads_back_their_own_rows_from_every_room()
    {
        var records = NewRecords();
        var people = Enumerable.Range(0, 250).Select(i => $"student-{i}").ToList();

        await records.WriteAsync(SiloFactory.Tenant, "/class", [.. people.Select(p => HandOff(p, "/class", "s1", 1, attended: 600))]);
        await records.WriteAsync(SiloFactory.Tenant, "/office-hours", [HandOff("student-7", "/office-hours", "s9", 1, attended: 120)]);

        var student7 = await records.ReadAsync(Keys.For(SiloFactory.Tenant, "student-7"));
        Assert.Equal([("/class", "s1", 600.0), ("/office-hours", "s9", 120.0)],
            student7.Select(r => (r.RoomName, r.RoomSessionId, r.AttendedSeconds)).OrderBy(r => r.RoomName, StringComparer.Ordinal));
        foreach (var other in people.Where(p => p != "student-7").Take(20))
        {
            Assert.Equal("/class", Assert.Single(await records.ReadAsync(Keys.For(SiloFactory.Tenant, other))).RoomName);
        }
        Assert.Empty(await records.ReadAsync(Keys.For(SiloFactory.Tenant, "nobody")));
        Assert.Empty(await records.ReadAsync(Keys.For("globex", "student-7")));
    }

    [Fact]
    public async Task The_newest_revision_of_a_row_wins_and_a_later_write_replaces_it()
    {
        var records = NewRecords();
        var person = Keys.For(SiloFactory.Tenant, "alice");

        // The live row and the ended one in the same round, in either order.
        await records.WriteAsync(SiloFactory.Tenant, "/revisions", [HandOff("alice", "/revisions", "s1", 5, attended: 300, ended: true), HandOff("alice", "/revisions", "s1", 2, attended: 0)]);
        Assert.Equal((300.0, true), Single(await records.ReadAsync(person)));

        // A late event changed the row: the next round writes it again.
        await records.WriteAsync(SiloFactory.Tenant, "/revisions", [HandOff("alice", "/revisions", "s1", 9, attended: 420, ended: true)]);
        Assert.Equal((420.0, true), Single(await records.ReadAsync(person)));

        static (double, bool) Single(IReadOnlyList<AttendanceRow> rows) => (Assert.Single(rows).AttendedSeconds, rows[0].SessionEndedAt is not null);
    }

    [Fact]
    public async Task A_withdrawn_row_is_no_longer_reported_and_an_older_hand_off_of_it_does_not_bring_it_back()
    {
        var records = NewRecords();
        var person = Keys.For(SiloFactory.Tenant, "frank");
        await records.WriteAsync(SiloFactory.Tenant, "/withdrawals", [HandOff("frank", "/withdrawals", "s1", 3, attended: 60), HandOff("frank", "/withdrawals", "s2", 3, attended: 60)]);

        // A late event moved Frank's connection from s1 to s2.
        await records.WriteAsync(SiloFactory.Tenant, "/withdrawals", [PersonHandOff.Withdrawal(person, "/withdrawals", "s1", 8), HandOff("frank", "/withdrawals", "s2", 8, attended: 120)]);
        Assert.Equal([("s2", 120.0)], (await records.ReadAsync(person)).Select(r => (r.RoomSessionId, r.AttendedSeconds)));

        // A round holding an older row and its withdrawal: the newer, the withdrawal, wins.
        await records.WriteAsync(SiloFactory.Tenant, "/withdrawals", [HandOff("frank", "/withdrawals", "s1", 3, attended: 60), PersonHandOff.Withdrawal(person, "/withdrawals", "s1", 8)]);
        Assert.Equal(["s2"], (await records.ReadAsync(person)).Select(r => r.RoomSessionId));

        // And a later event that puts him back in s1 writes the row again.
        await records.WriteAsync(SiloFactory.Tenant, "/withdrawals", [HandOff("frank", "/withdrawals", "s1", 12, attended: 30)]);
        Assert.Equal(["s1", "s2"], (await records.ReadAsync(person)).Select(r => r.RoomSessionId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Room_names_and_session_ids_with_characters_table_keys_refuse_are_stored_as_they_are()
    {
        var records = NewRecords();
        const string room = "/a#b?c\\d";
        const string session = "s/1#\t?";

        await records.WriteAsync(SiloFactory.Tenant, room, [HandOff("bob", room, session, 1, attended: 60)]);

        var row = Assert.Single(await records.ReadAsync(Keys.For(SiloFactory.Tenant, "bob")));
        Assert.Equal((room, session), (row.RoomName, row.RoomSessionId));
    }

    [Fact]
    public async Task Rows_of_many_rooms_written_at_once_share_the_tenants_few_partitions_and_their_transactions()
    {
        var records = NewRecords();

        // Forty rooms hand off at once, five people each: their rows share a gathering.
        await Task.WhenAll(Enumerable.Range(0, 40).Select(room => records.WriteAsync(SiloFactory.Tenant, $"/tutorial-{room}",
            [.. Enumerable.Range(0, 5).Select(p => HandOff($"tutee-{room}-{p}", $"/tutorial-{room}", "s1", 1, attended: 60))])));

        var tutees = Enumerable.Range(0, 40).SelectMany(room => Enumerable.Range(0, 5).Select(p => Keys.For(SiloFactory.Tenant, $"tutee-{room}-{p}")))
            .Select(key => key[(key.IndexOf('/') + 1)..] + "_").ToList();
        var rows = (await EntitiesAsync("p_")).Where(r => tutees.Any(t => r.RowKey.StartsWith(t, StringComparison.Ordinal))).ToList();
        Assert.Equal(200, rows.Count);
        Assert.InRange(rows.Select(e => e.PartitionKey).Distinct().Count(), 2, AzureTablePersonRecords.Buckets);
        Assert.Equal("/tutorial-17", Assert.Single(await records.ReadAsync(Keys.For(SiloFactory.Tenant, "tutee-17-3"))).RoomName);
    }

    [Fact]
    public async Task Rows_of_the_released_layout_are_read_and_a_newer_row_of_the_same_session_replaces_them()
    {
        // Releases up to 2026-12-07: a row in its room's partition, an index entry per person and room.
        var records = NewRecords();
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<AttendanceRow>>();
        var key = Keys.For(SiloFactory.Tenant, "dora");
        var person = key[(key.IndexOf('/') + 1)..];
        var table = new TableClient(Azurite.ConnectionString, AzureTablePersonRecords.Table);
        await table.CreateIfNotExistsAsync(TestContext.Current.CancellationToken);
        foreach (var (room, session, attended) in new[] { ("/old-room", "s1", 600.0), ("/old-room", "s2", 60.0), ("/other-old", "s7", 90.0) })
        {
            var roomHash = StoredHash.Hex(room);
            await table.UpsertEntityAsync(new TableEntity($"i_{SiloFactory.Tenant}_{Convert.ToInt32(person[..1], 16) % 8}", $"{person}_{roomHash}"), cancellationToken: TestContext.Current.CancellationToken);
            await table.UpsertEntityAsync(new TableEntity($"r_{SiloFactory.Tenant}_{roomHash}", $"{person}_{StoredHash.Hex(session)}")
            {
                ["Row"] = serializer.SerializeToArray(HandOff("dora", room, session, 1, attended, ended: true).Row),
                ["Revision"] = 1L,
                ["Withdrawn"] = false,
            }, cancellationToken: TestContext.Current.CancellationToken);
        }
        Assert.Equal([("/old-room", "s1", 600.0), ("/old-room", "s2", 60.0), ("/other-old", "s7", 90.0)], Rows(await records.ReadAsync(key)));

        // A late event after the upgrade: s1's row again, in the current layout; s2 withdrawn.
        await records.WriteAsync(SiloFactory.Tenant, "/old-room", [HandOff("dora", "/old-room", "s1", 5, attended: 660, ended: true), PersonHandOff.Withdrawal(key, "/old-room", "s2", 5)]);
        Assert.Equal([("/old-room", "s1", 660.0), ("/other-old", "s7", 90.0)], Rows(await records.ReadAsync(key)));

        static (string, string, double)[] Rows(IReadOnlyList<AttendanceRow> rows) =>
            [.. rows.Select(r => (r.RoomName, r.RoomSessionId, r.AttendedSeconds)).OrderBy(r => r.RoomName, StringComparer.Ordinal).ThenBy(r => r.RoomSessionId, StringComparer.Ordinal)];
    }

    private async Task<List<TableEntity>> EntitiesAsync(string partitionPrefix)
    {
        var table = new TableClient(Azurite.ConnectionString, AzureTablePersonRecords.Table);
        var entries = new List<TableEntity>();
        var end = partitionPrefix[..^1] + (char)(partitionPrefix[^1] + 1);
        await foreach (var entry in table.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo(partitionPrefix) >= 0 && e.PartitionKey.CompareTo(end) < 0, cancellationToken: TestContext.Current.CancellationToken))
        {
            entries.Add(entry);
        }
        return entries;
    }

    private AzureTablePersonRecords NewRecords() => new(
        new StorageOptions { ConnectionString = Azurite.ConnectionString },
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<AttendanceRow>>(),
        StorageWriteGate.Unbounded,
        TimeProvider.System);

    private static PersonHandOff HandOff(string person, string room, string session, long revision, double attended, bool ended = false) =>
        new(Keys.For(SiloFactory.Tenant, person), new AttendanceRow
        {
            RoomName = room,
            RoomSessionId = session,
            SessionStartedAt = Start,
            SessionEndedAt = ended ? Start.AddHours(1) : null,
            FirstJoinedAt = Start,
            LastLeftAt = ended ? Start.AddMinutes(attended / 60) : null,
            AttendedSeconds = attended,
            Connections = 1,
            AttendanceRatio = ended ? attended / 3600 : 0,
        }, revision);
}
