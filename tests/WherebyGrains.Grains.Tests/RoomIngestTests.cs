using WherebyGrains.Contracts;
using WherebyGrains.Journal;
using static WherebyGrains.Grains.Tests.Events;

namespace WherebyGrains.Grains.Tests;

/// <summary>
/// The one ingest path against real rooms: a delivery whose journal write fails is released (its
/// retry is the accepted one), and one whose room does not answer in time is spooled (durable in
/// the journal, applied by the drainer's checkpoint).
/// </summary>
[Trait("Category", "Cluster")]
public sealed class RoomIngestTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const string Tenant = "ingest";

    [Fact]
    public async Task A_delivery_the_journal_could_not_keep_is_released_and_its_retry_is_the_accepted_one()
    {
        const string name = "/released";
        var journal = new FailingJournal(new MemoryEventJournal("test", TimeProvider.System));
        var ingest = new RoomIngest(journal, fixture.Grains, TimeProvider.System);
        var evt = Joined(name, fixture.Clock.GetUtcNow(), "pa", "alice-released", "s-rel");
        var room = fixture.Grains.GetGrain<IRoomGrain>(new RoomKey(Tenant, name).ToString());

        // The room holds it at once, but the journal fails: not acknowledged (the front door answers 503).
        journal.Failing = true;
        await Assert.ThrowsAsync<IOException>(() => ingest.IngestAsync(Tenant, evt, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Single(await room.GetRecordedEventsAsync());

        // Whereby's retry: accepted (not a duplicate of a delivery nobody acknowledged), then duplicates.
        journal.Failing = false;
        Assert.Equal(IngestOutcome.Accepted, (await ingest.IngestAsync(Tenant, evt, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).Outcome);
        Assert.Equal(IngestOutcome.Duplicate, (await ingest.IngestAsync(Tenant, evt, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).Outcome);
        Assert.Equal(2, journal.Inner.Count);
        Assert.Single(await room.GetRecordedEventsAsync());
    }

    [Fact]
    public async Task A_delivery_whose_room_does_not_answer_in_time_is_spooled_and_the_drainers_checkpoint_applies_it()
    {
        const string name = "/spooled";
        var journal = new MemoryEventJournal("test", TimeProvider.System);
        var ingest = new RoomIngest(journal, fixture.Grains, TimeProvider.System);
        var evt = Joined(name, fixture.Clock.GetUtcNow(), "pa", "alice-spooled", "s-spool");

        // No time at all for the room: acknowledged from the journal alone.
        var spooled = await ingest.IngestAsync(Tenant, evt, TimeSpan.Zero, TestContext.Current.CancellationToken);
        Assert.Equal(IngestOutcome.Spooled, spooled.Outcome);
        Assert.IsType<TimeoutException>(spooled.RoomError);
        var entry = Assert.Single(journal.TakeWrittenBefore(DateTimeOffset.UtcNow.AddMinutes(1), 100));
        Assert.Equal((Tenant, evt.Id), (entry.TenantId, entry.Event.Id));

        // What the drainer does with it: the room takes it (once) and its record holds it.
        var key = new RoomKey(Tenant, name).ToString();
        await fixture.Grains.GetGrain<IRoomCallbacks>(key).CheckpointAsync([entry.Event]);
        Assert.Equal([evt.Id], (await fixture.Grains.GetGrain<IRoomGrain>(key).GetRecordedEventsAsync()).Select(e => e.Id));
        Assert.Equal(IngestOutcome.Duplicate, (await ingest.IngestAsync(Tenant, evt, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).Outcome);
    }

    /// <summary>A memory journal whose appends fail while <see cref="Failing"/> (storage unreachable).</summary>
    private sealed class FailingJournal(MemoryEventJournal inner) : IEventJournal
    {
        public MemoryEventJournal Inner => inner;

        public bool Failing { get; set; }

        public string Writer => inner.Writer;

        public Task AppendAsync(string tenantId, WherebyEvent evt, CancellationToken cancellationToken) =>
            Failing ? Task.FromException(new IOException("The journal's storage is unreachable.")) : inner.AppendAsync(tenantId, evt, cancellationToken);

        public IReadOnlyList<JournalEntry> TakeWrittenBefore(DateTimeOffset before, int max) => inner.TakeWrittenBefore(before, max);

        public Task<IReadOnlyList<JournalEntry>> ReadWrittenBeforeAsync(DateTimeOffset before, int max, Func<string?, DateTimeOffset, bool>? take, CancellationToken cancellationToken) =>
            inner.ReadWrittenBeforeAsync(before, max, take, cancellationToken);

        public Task RemoveAsync(IEnumerable<JournalEntry> entries, CancellationToken cancellationToken) => inner.RemoveAsync(entries, cancellationToken);
    }
}
