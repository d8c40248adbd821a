using System.Text.Json;
using Azure.Data.Tables;
using WherebyGrains.Contracts;
using WherebyGrains.Journal;
using WherebyGrains.Simulator;
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
        var read = await journal.ReadWrittenBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 1000, take: null, TestContext.Current.CancellationToken);

        Assert.Equal(events.OrderBy(e => e.Id), read.Select(r => r.Event).OrderBy(e => e.Id));
        Assert.All(read, r => Assert.Equal(SiloFactory.Tenant, r.TenantId));
        // Group commit: far fewer stored batches than events.
        Assert.InRange(read.Select(r => (r.Partition, r.Row)).Distinct().Count(), 1, 20);

        await journal.RemoveAsync(read, TestContext.Current.CancellationToken);
        Assert.Empty(await journal.ReadWrittenBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 1000, take: null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Large_events_arriving_together_fill_several_batches_the_storage_accepts()
    {
        using var journal = NewJournal();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        // Six events of ~400 KB: two fit an entity's ~960 KB, so at least three batches.
        var events = Enumerable.Range(0, 6).Select(i => Event($"big{i}", "/big", at, metadata: new string((char)('a' + i), 400_000))).ToList();

        await Task.WhenAll(events.Select(e => journal.AppendAsync(SiloFactory.Tenant, e, TestContext.Current.CancellationToken)));
        var read = await journal.ReadWrittenBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 1000, take: null, TestContext.Current.CancellationToken);

        Assert.Equal(events.Select(e => (e.Id, e.Metadata)).Order(), read.Select(r => (r.Event.Id, r.Event.Metadata)).Order());
        Assert.InRange(read.Select(r => (r.Partition, r.Row)).Distinct().Count(), 3, 6);
    }

    [Fact]
    public async Task A_batch_is_read_whole_however_few_entries_are_asked_for()
    {
        using var journal = NewJournal();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => journal.AppendAsync(SiloFactory.Tenant, Event($"w{i}", $"/whole-{i % 3}", at), TestContext.Current.CancellationToken)));
        var everything = await journal.ReadWrittenBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 1000, take: null, TestContext.Current.CancellationToken);
        var batches = everything.GroupBy(e => (e.Partition, e.Row)).ToList();
        Assert.True(batches.Count < everything.Count, "events that arrive together share a stored batch");

        // The drainer removes what it read once applied: it must never get part of a batch.
        var first = await journal.ReadWrittenBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 1, take: null, TestContext.Current.CancellationToken);
        var firstBatch = Assert.Single(first.GroupBy(e => (e.Partition, e.Row)));
        Assert.Equal(batches.Single(b => b.Key == firstBatch.Key).Select(e => e.Event.Id).Order(), firstBatch.Select(e => e.Event.Id).Order());

        await journal.RemoveAsync(first, TestContext.Current.CancellationToken);
        var left = await journal.ReadWrittenBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 1000, take: null, TestContext.Current.CancellationToken);
        Assert.Equal(everything.Count - first.Count, left.Count);
        Assert.DoesNotContain(left, e => (e.Partition, e.Row) == firstBatch.Key);
    }

    [Fact]
    public async Task Entries_another_silo_removed_meanwhile_do_not_keep_the_rest_from_being_removed()
    {
        using var journal = NewJournal();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => journal.AppendAsync(SiloFactory.Tenant, Event($"r{i}", "/race", at), TestContext.Current.CancellationToken)));
        var read = await journal.ReadWrittenBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 1000, take: null, TestContext.Current.CancellationToken);
        Assert.Equal(30, read.Count);

        // Another silo drained every third entry first.
        using (var other = NewJournal())
        {
            await other.RemoveAsync(read.Where((_, i) => i % 3 == 0), TestContext.Current.CancellationToken);
        }
        await journal.RemoveAsync(read, TestContext.Current.CancellationToken);

        Assert.Empty(await journal.ReadWrittenBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 1000, take: null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_silo_drains_its_own_entries_and_a_dead_silos_but_leaves_a_live_silos_to_it()
    {
        using var a = NewJournal("10.0.0.1:11111@1");
        using var b = NewJournal("10.0.0.2:11111@1");
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await a.AppendAsync(SiloFactory.Tenant, Event("from-a", "/drain", at), TestContext.Current.CancellationToken);
        await b.AppendAsync(SiloFactory.Tenant, Event("from-b", "/drain", at), TestContext.Current.CancellationToken);
        var everything = await a.ReadWrittenBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 1000, take: null, TestContext.Current.CancellationToken);
        Assert.Equal([("from-a", a.Writer), ("from-b", b.Writer)], everything.Select(e => (e.Event.Id, e.Writer)).OrderBy(e => e.Id));
        Assert.All(everything, e => Assert.InRange(e.WrittenAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow));

        // Both entries are fresh: a's own count as old enough here (ownBefore in the future), b's only once b is dead.
        var staleBefore = DateTimeOffset.UtcNow - JournalDrainer.StaleMargin;
        async Task<string[]> DrainedByA(IReadOnlySet<string> alive) =>
            [.. (await a.ReadWrittenBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 1000, (writer, writtenAt) => JournalDrainer.Drains(writer, writtenAt, a.Writer, alive, DateTimeOffset.UtcNow.AddMinutes(1), staleBefore), TestContext.Current.CancellationToken))
                .Select(e => e.Event.Id).Order()];

        Assert.Equal(["from-a"], await DrainedByA(new HashSet<string> { a.Writer, b.Writer }));
        Assert.Equal(["from-a", "from-b"], await DrainedByA(new HashSet<string> { a.Writer }));
    }

    [Fact]
    public void An_entry_that_does_not_say_who_wrote_it_or_is_stale_is_drained_by_any_silo_and_its_own_once_old_enough()
    {
        var now = DateTimeOffset.UtcNow;
        var alive = new HashSet<string> { "a", "b" };
        var ownBefore = now.AddSeconds(-90);
        var staleBefore = now.AddMinutes(-3.5);

        Assert.True(JournalDrainer.Drains(null, now, "a", alive, ownBefore, staleBefore));
        Assert.False(JournalDrainer.Drains("b", now.AddSeconds(-30), "a", alive, ownBefore, staleBefore));
        Assert.False(JournalDrainer.Drains("b", now.AddMinutes(-3), "a", alive, ownBefore, staleBefore));
        Assert.True(JournalDrainer.Drains("b", now.AddMinutes(-4), "a", alive, ownBefore, staleBefore));
        Assert.True(JournalDrainer.Drains("c", now, "a", alive, ownBefore, staleBefore));
        // Its own wait for the rooms' checkpoints.
        Assert.False(JournalDrainer.Drains("a", now.AddSeconds(-60), "a", alive, ownBefore, staleBefore));
        Assert.True(JournalDrainer.Drains("a", now.AddSeconds(-91), "a", alive, ownBefore, staleBefore));
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
                         Left: (await check.ReadWrittenBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 10, take: null, TestContext.Current.CancellationToken)).Count),
            x => x.Held.Count == 1 && x.Left == 0);
        check.Dispose();

        Assert.Equal(["orphan"], held);
        Assert.Equal(0, left);
    }

    [Fact]
    public async Task A_journal_hands_out_its_own_batches_from_memory_once_and_the_table_keeps_them_until_removed()
    {
        using var journal = NewJournal();
        var events = Enumerable.Range(0, 40).Select(i => Event($"k{i}", "/kept", DateTimeOffset.UtcNow.AddMinutes(-5))).ToList();
        var appending = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await Task.WhenAll(events.Select(e => journal.AppendAsync(SiloFactory.Tenant, e, TestContext.Current.CancellationToken)));
        var later = DateTimeOffset.UtcNow.AddMinutes(1);

        Assert.Empty(journal.TakeWrittenBefore(DateTimeOffset.UtcNow.AddMinutes(-1), 1000));
        var first = journal.TakeWrittenBefore(later, 1);
        Assert.Single(first.Select(e => (e.Partition, e.Row)).Distinct());
        var taken = first.Concat(journal.TakeWrittenBefore(later, 1000)).ToList();
        Assert.Empty(journal.TakeWrittenBefore(later, 1000));
        Assert.Equal(events.Select(e => e.Id).Order(StringComparer.Ordinal), taken.Select(e => e.Event.Id).Order(StringComparer.Ordinal));
        Assert.All(taken, e => Assert.Equal((SiloFactory.Tenant, journal.Writer), (e.TenantId, e.Writer)));

        // What memory handed out is the table's too, until removed: a drainer that could not apply it reads it there.
        var stored = await journal.ReadWrittenBeforeAsync(later, 1000, take: null, TestContext.Current.CancellationToken);
        Assert.Equal(taken.Select(e => (e.Partition, e.Row, e.Event, e.WrittenAt)).OrderBy(e => e.Event.Id, StringComparer.Ordinal),
            stored.Select(e => (e.Partition, e.Row, e.Event, e.WrittenAt)).OrderBy(e => e.Event.Id, StringComparer.Ordinal));

        // A batch is as old as its write, not as its partition's ten-second window (which began before it).
        Assert.All(stored, e => Assert.InRange(e.WrittenAt, appending, DateTimeOffset.UtcNow));
        var firstWritten = stored.Min(e => e.WrittenAt);
        Assert.Empty(await journal.ReadWrittenBeforeAsync(firstWritten, 1000, take: null, TestContext.Current.CancellationToken));
        Assert.NotEmpty(await journal.ReadWrittenBeforeAsync(firstWritten.AddMilliseconds(1), 1000, take: null, TestContext.Current.CancellationToken));
        await journal.RemoveAsync(taken, TestContext.Current.CancellationToken);
        Assert.Empty(await journal.ReadWrittenBeforeAsync(later, 1000, take: null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_running_silo_drains_the_batches_it_wrote_once_their_rooms_hold_them()
    {
        await using var silo = new SiloFactory(Azurite.ConnectionString, new Dictionary<string, string> { ["WherebyGrains:Sessions:WriteBehind"] = "00:00:01" });
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var sender = silo.Webhooks();
        foreach (var id in new[] { "d1", "d2", "d3" })
        {
            Assert.Equal(200, (await sender.SendAsync(WherebyPayloads.Client(WherebyEventTypes.ClientJoined, "/drained", at, id, "ds1", "visitor", id, id, null))).Status);
        }
        var room = silo.Grains.GetGrain<IRoomGrain>(new RoomKey(SiloFactory.Tenant, "/drained").ToString());
        using var check = NewJournal();

        // The journal drains entries older than the checkpoint interval (1 s here) and 30 s.
        var left = await Eventually.Async(
            async () => (await check.ReadWrittenBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), 10, take: null, TestContext.Current.CancellationToken)).Count,
            count => count == 0, TimeSpan.FromSeconds(90));

        Assert.Equal(0, left);
        Assert.Equal(3, (await room.GetRecordedEventsAsync()).Count);
    }

    private AzureTableEventJournal NewJournal(string silo = "127.0.0.1:11111@1") => new(new StorageOptions { ConnectionString = Azurite.ConnectionString }, TimeProvider.System, silo);

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
