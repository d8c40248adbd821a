using Microsoft.Extensions.Options;
using System.Collections.Concurrent;
using WherebyGrains.Contracts;
using WherebyGrains.Journal;

namespace WherebyGrains.Silo;

/// <summary>
/// Applies journal entries to their rooms and removes them once the rooms' own records hold them:
/// the batches this silo wrote from memory (nothing read back), the rest from the table. Its own
/// entries wait until they are older than <see cref="Age"/> (the rooms' checkpoint interval,
/// <see cref="SessionsOptions.WriteBehind"/>, and a margin): by then a live room has checkpointed
/// them itself, so applying is a dedupe that confirms durability (or forces the checkpoint of a
/// room that could not). The entries of a silo membership no longer counts as alive are applied
/// at once: after a crash, that is how its events reach their rooms again. Each silo drains what
/// it wrote and what dead silos wrote (see <see cref="Drains"/>), so that N silos do not each apply
/// and delete every entry. Rooms dedupe, and the rules are order-free, so an entry applied twice or
/// late is harmless.
/// </summary>
internal sealed partial class JournalDrainer(
    IEventJournal journal,
    IGrainFactory grains,
    IClusterMembershipService membership,
    IOptions<SessionsOptions> sessions,
    TimeProvider clock,
    ILogger<JournalDrainer> logger) : BackgroundService
{
    /// <summary>How old a live silo's entry is before any silo drains it (a writer that cannot), beyond <see cref="Age"/>.</summary>
    public static readonly TimeSpan StaleMargin = TimeSpan.FromMinutes(2);

    /// <summary>How old a dead silo's entry is before it is drained: its answers were all given by then.</summary>
    private static readonly TimeSpan Settled = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan AgeMargin = TimeSpan.FromSeconds(30);

    /// <summary>How old this silo's own entry is before it is drained: a room's checkpoint interval and a margin.</summary>
    public TimeSpan Age => sessions.Value.WriteBehind + AgeMargin;

    /// <summary>How old an entry is before any silo drains it, even one whose writer is alive.</summary>
    public TimeSpan Stale => Age + StaleMargin;

    private const int Page = 500;
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ApplyTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ScanEvery = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastScan = long.MinValue;
        // At start (the process this one replaces may have died), after a full page, and when a silo dies.
        var scanNow = true;
        var scannedVersion = MembershipVersion.MinValue;
        var dead = new HashSet<string>(StringComparer.Ordinal);
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

                // A silo that membership declares dead (at start: the process this one replaces)
                // calls for a scan at once rather than at the next ScanEvery: its entries are its
                // rooms' last events, and nothing else brings them back.
                var snapshot = membership.CurrentSnapshot;
                if (snapshot.Version != scannedVersion)
                {
                    scannedVersion = snapshot.Version;
                    foreach (var member in snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead))
                    {
                        scanNow |= dead.Add(member.SiloAddress.ToParsableString());
                    }
                }
                if (read < Page && (scanNow || clock.GetElapsedTime(lastScan) >= ScanEvery))
                {
                    lastScan = clock.GetTimestamp();
                    var alive = snapshot.Members.Values
                        .Where(m => m.Status is not (SiloStatus.Dead or SiloStatus.None))
                        .Select(m => m.SiloAddress.ToParsableString())
                        .ToHashSet(StringComparer.Ordinal);
                    // A silo not alive may have written seconds ago (one that never joined this
                    // cluster's membership too): every scan reads all but the last seconds.
                    var before = now - Settled;
                    var stored = await journal.ReadWrittenBeforeAsync(before, Page, (writer, writtenAt) => Drains(writer, writtenAt, journal.Writer, alive, now - Age, now - Stale), stoppingToken);
                    read = stored.Count;
                    scanNow = read >= Page;
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
    /// Whether the silo <paramref name="me"/> drains a batch of <paramref name="writer"/> written at
    /// <paramref name="writtenAt"/>: its own written before <paramref name="ownBefore"/>; those of a
    /// silo not among <paramref name="alive"/> (dead, gone, or a batch that does not say); and any
    /// written before <paramref name="staleBefore"/>, whoever wrote it.
    /// </summary>
    internal static bool Drains(string? writer, DateTimeOffset writtenAt, string me, IReadOnlySet<string> alive, DateTimeOffset ownBefore, DateTimeOffset staleBefore) =>
        writer == me ? writtenAt < ownBefore : writer is null || !alive.Contains(writer) || writtenAt < staleBefore;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Drained {Count} journal entries: their rooms hold them durably")]
    private partial void LogApplied(int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Count} journal entries of one room of tenant {TenantId} not applied yet; retried")]
    private partial void LogNotYet(Exception exception, int count, string tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The journal could not be read or cleared; retried")]
    private partial void LogJournalUnreadable(Exception exception);
}
