using WherebyGrains.Contracts;
using WherebyGrains.ServiceDefaults;
using WherebyGrains.Testing;

namespace WherebyGrains.Silo.Tests;

/// <summary>The journal against a real Azurite: group commit, large events, removal, and recovery through the drainer.</summary>
[Trait("Category", "Integration")]
public sealed class JournalTests : AzuriteTest
{
    [Fact]
    public async Task Events_appended_together_share_transactions_and_read_back_whole()
    {
        using var journal = NewJournal();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        // One event far above a table property's 64 KiB, so that it is stored in chunks.
        var events = Enumerable.Range(0, 60).Select(i => Event($"e{i}", "/journal", at, metadata: i == 7 ? new string('m', 150_000) : null)).ToList();

        await Task.WhenAll(events.Select(e => journal.AppendAsync(SiloFactory.Tenant, e, TestContext.Current.CancellationToken)));
        var read = await journal.ReadWrittenBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 1000, TestContext.Current.CancellationToken);

        Assert.Equal(events.OrderBy(e => e.Id), read.Select(r => r.Event).OrderBy(e => e.Id));
        Assert.All(read, r => Assert.Equal(SiloFactory.Tenant, r.TenantId));
        // Group commit: far fewer transactions (partitions) than events.
        Assert.InRange(read.Select(r => r.Partition).Distinct().Count(), 1, 20);

        await journal.RemoveAsync(read, TestContext.Current.CancellationToken);
        Assert.Empty(await journal.ReadWrittenBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 1000, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Entries_another_silo_removed_meanwhile_do_not_keep_the_rest_from_being_removed()
    {
        using var journal = NewJournal();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => journal.AppendAsync(SiloFactory.Tenant, Event($"r{i}", "/race", at), TestContext.Current.CancellationToken)));
        var read = await journal.ReadWrittenBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 1000, TestContext.Current.CancellationToken);
        Assert.Equal(30, read.Count);

        // Another silo drained every third entry first.
        using (var other = NewJournal())
        {
            await other.RemoveAsync(read.Where((_, i) => i % 3 == 0), TestContext.Current.CancellationToken);
        }
        await journal.RemoveAsync(read, TestContext.Current.CancellationToken);

        Assert.Empty(await journal.ReadWrittenBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 1000, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_event_that_reached_only_the_journal_reaches_its_room_and_leaves_the_journal()
    {
        // As if a silo died after journaling (and acknowledging) the event, before its room wrote it.
        using (var journal = NewJournal())
        {
            await journal.AppendAsync(SiloFactory.Tenant, Event("orphan", "/journal-recovery", DateTimeOffset.UtcNow.AddMinutes(-5)), TestContext.Current.CancellationToken);
        }

        await using var silo = new SiloFactory(Azurite.ConnectionString);
        var room = silo.Grains.GetGrain<IRoomGrain>(new RoomKey(SiloFactory.Tenant, "/journal-recovery").ToString());
        var check = NewJournal();

        var (held, left) = await Eventually.Async(
            async () => (Held: (await room.GetRecordedEventsAsync()).Select(e => e.Id).ToList(),
                         Left: (await check.ReadWrittenBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 10, TestContext.Current.CancellationToken)).Count),
            x => x.Held.Count == 1 && x.Left == 0);
        check.Dispose();

        Assert.Equal(["orphan"], held);
        Assert.Equal(0, left);
    }

    private AzureTableEventJournal NewJournal() => new(new StorageOptions { ConnectionString = Azurite.ConnectionString }, TimeProvider.System);

    private static WherebyEvent Event(string id, string room, DateTimeOffset at, string? metadata = null) => new()
    {
        Id = id,
        Type = WherebyEventTypes.ClientJoined,
        CreatedAt = at,
        RoomName = room,
        ParticipantId = "p-" + id,
        RoleName = "visitor",
        Metadata = metadata,
        ReceivedAt = at,
    };
}
