using System.Collections.Concurrent;
using WherebyGrains.Contracts;
using WherebyGrains.Journal;

namespace WherebyGrains.Silo;

/// <summary>
/// Applies journal entries to their rooms and removes them once the rooms' own records hold them:
/// the batches this silo wrote from memory (nothing read back), the rest from the table. Only
/// entries older than <see cref="Age"/> are looked at: by then a live room has written them
/// itself (write-behind), so applying is a dedupe that confirms durability; after a crash, or when
/// a room was unreachable, it is how the events reach their rooms. Each silo drains what it wrote
/// and what silos that membership no longer counts as alive wrote (see <see cref="Drains"/>), so
/// that N silos do not each apply and delete every entry. Rooms dedupe, and the rules are
/// order-free, so an entry applied twice or late is harmless.
/// </summary>
internal sealed partial class JournalDrainer(
    IEventJournal journal,
    IGrainFactory grains,
    IClusterMembershipService membership,
    TimeProvider clock,
    ILogger<JournalDrainer> logger) : BackgroundService
{
    /// <summary>How old an entry is before it is drained: several write-behind periods.</summary>
    public static readonly TimeSpan Age = TimeSpan.FromSeconds(15);

    /// <summary>How old an entry is before any silo drains it, even one whose writer is alive (a writer that cannot).</summary>
    public static readonly TimeSpan Stale = TimeSpan.FromMinutes(2);

    private const int Page = 500;
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ApplyTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ScanEvery = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastScan = long.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var read = 0;
            try
            {
                var now = clock.GetUtcNow();
                // Its own batches from memory first: nothing to read back. The table is read when
                // those are done, and under steady load at least every ScanEvery, for what memory
                // does not hold: other silos' entries, batches whose rooms were not reached, and
                // what was written before this process started.
                var own = journal.TakeWrittenBefore(now - Age, Page);
                read = own.Count;
                await ApplyAndRemoveAsync(own, stoppingToken);
                if (read < Page && (read == 0 || lastScan == long.MinValue || clock.GetElapsedTime(lastScan) >= ScanEvery))
                {
                    lastScan = clock.GetTimestamp();
                    var alive = membership.CurrentSnapshot.Members.Values
                        .Where(m => m.Status is not (SiloStatus.Dead or SiloStatus.None))
                        .Select(m => m.SiloAddress.ToParsableString())
                        .ToHashSet(StringComparer.Ordinal);
                    var stored = await journal.ReadWrittenBeforeAsync(now - Age, Page, e => Drains(e, journal.Writer, alive, now - Stale), stoppingToken);
                    read = stored.Count;
                    await ApplyAndRemoveAsync(stored, stoppingToken);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogJournalUnreadable(e);
            }
            if (read >= Page)
            {
                continue;
            }
            try
            {
                await Task.Delay(Idle, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Applies <paramref name="entries"/> (whole batches) to their rooms and removes the batches all of whose rooms took them.</summary>
    private async Task ApplyAndRemoveAsync(IReadOnlyList<JournalEntry> entries, CancellationToken stoppingToken)
    {
        if (entries.Count == 0)
        {
            return;
        }
        var notApplied = new ConcurrentDictionary<(string Partition, string Row), bool>();
        // One call per room for all of its entries: they share the room's write.
        var rooms = entries.GroupBy(e => new RoomKey(e.TenantId, e.Event.RoomName));
        await Parallel.ForEachAsync(rooms, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = stoppingToken }, async (room, token) =>
        {
            try
            {
                await grains.GetGrain<IRoomCallbacks>(room.Key.ToString()).CheckpointAsync([.. room.Select(e => e.Event)]).WaitAsync(ApplyTimeout, token);
            }
            catch (Exception e) when (!token.IsCancellationRequested)
            {
                LogNotYet(e, room.Count(), room.Key.TenantId);
                foreach (var entry in room)
                {
                    notApplied.TryAdd((entry.Partition, entry.Row), true);
                }
            }
        });
        // A batch holds events of many rooms: it goes once every one of them is applied; the
        // others stay in the table, where a later read finds them.
        var applied = entries.Where(e => !notApplied.ContainsKey((e.Partition, e.Row))).ToList();
        await journal.RemoveAsync(applied, stoppingToken);
        if (applied.Count > 0)
        {
            LogApplied(applied.Count);
        }
    }

    /// <summary>
    /// Whether the silo <paramref name="me"/> drains <paramref name="entry"/>: its own; those of a
    /// silo not among <paramref name="alive"/> (dead, gone, or an entry that does not say); and any
    /// written before <paramref name="staleBefore"/>, whoever wrote it.
    /// </summary>
    internal static bool Drains(JournalEntry entry, string me, IReadOnlySet<string> alive, DateTimeOffset staleBefore) =>
        entry.Writer is null || entry.Writer == me || !alive.Contains(entry.Writer) || entry.WrittenAt < staleBefore;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Drained {Count} journal entries: their rooms hold them durably")]
    private partial void LogApplied(int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Count} journal entries of one room of tenant {TenantId} not applied yet; retried")]
    private partial void LogNotYet(Exception exception, int count, string tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The journal could not be read or cleared; retried")]
    private partial void LogJournalUnreadable(Exception exception);
}
