using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using System.Diagnostics.Metrics;
using WherebyGrains.Attendance;
using WherebyGrains.Contracts;

namespace WherebyGrains.Grains.Tests;

/// <summary>The ledger's writes of what changed beside the events (hand-offs, the room's bookkeeping).</summary>
public sealed class AttendanceLedgerTests
{
    [Fact]
    public async Task A_change_beside_the_events_whose_write_failed_is_written_by_the_next_write()
    {
        var writes = 0;
        var failing = true;
        var ledger = new AttendanceLedger("acme", "/ledger", new LedgerState(), () =>
        {
            writes++;
            return failing ? Task.FromException(new IOException("storage is down (test)")) : Task.CompletedTask;
        }, AttendanceSettings.Default, new NoRecords(), new PersonKeys("k"), TimeProvider.System,
            new AttendanceMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()),
            StorageWriteGate.Unbounded, NullLogger.Instance);

        ledger.MarkUnwritten();
        await Assert.ThrowsAsync<IOException>(ledger.PersistAsync);
        Assert.True(ledger.Unwritten);

        // Storage is back: the retry writes what the failed write held.
        failing = false;
        await ledger.PersistAsync();
        Assert.Equal((2, false), (writes, ledger.Unwritten));

        // Nothing left: no write.
        await ledger.PersistAsync();
        Assert.Equal(2, writes);
    }

    /// <summary>People's rows are not part of this test: none are handed off without a settling.</summary>
    private sealed class NoRecords : IPersonRecords
    {
        public Task WriteAsync(string tenantId, string roomName, IReadOnlyList<PersonHandOff> handOffs) => throw new NotSupportedException();

        public Task<IReadOnlyList<AttendanceRow>> ReadAsync(string personKey) => throw new NotSupportedException();
    }
}
