using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using WherebyGrains.Contracts;
using WherebyGrains.Testing;
using static WherebyGrains.Grains.Tests.Events;

namespace WherebyGrains.Grains.Tests;

/// <summary>
/// A room's write-behind during a storage outage: one warning with its trace, then one debug line
/// per retry (a trace per room every few seconds flooded the log), and once storage is back one
/// line that says how many writes failed, with the events in the record.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class WriteBehindOutageTests(FailingWritesFixture fixture) : IClassFixture<FailingWritesFixture>
{
    [Fact]
    public async Task An_outage_logs_one_trace_then_a_line_per_retry_and_the_events_are_written_once_it_ends()
    {
        const string name = "/write-behind-outage";
        var room = fixture.Grains.GetGrain<IRoomGrain>(new RoomKey(ClusterFixture.Tenant, name).ToString());
        var evt = Joined(name, fixture.Clock.GetUtcNow(), "pa", "alice-outage");
        // The room's write-behind lines (its index registration fails too, and says so on its own).
        bool Mine(LogEntry e) => e.Message.Contains(name, StringComparison.Ordinal) && e.Message.Contains("applied events", StringComparison.Ordinal);

        fixture.Failing = true;
        Assert.True((await room.ApplyAsync(evt)).New);
        await Eventually.Async(() => Task.FromResult(fixture.Logs.Count(e => Mine(e) && e.Level == LogLevel.Debug)), n => n >= 3);
        fixture.Failing = false;
        await Eventually.Async(() => Task.FromResult(fixture.Logs.Count(e => Mine(e) && e.Level == LogLevel.Information)), n => n == 1);

        var mine = fixture.Logs.Where(Mine).ToList();
        var warning = Assert.Single(mine, e => e.Level == LogLevel.Warning);
        Assert.True(warning.HasException, "the first failure keeps its trace");
        Assert.All(mine.Where(e => e.Level == LogLevel.Debug), e => Assert.False(e.HasException, e.Message));
        var retries = mine.Count(e => e.Level == LogLevel.Debug);
        Assert.Contains($"after {retries + 1} failed writes", Assert.Single(mine, e => e.Level == LogLevel.Information).Message, StringComparison.Ordinal);

        // Written: a new activation reads it from storage.
        await fixture.Cluster.DeactivateAsync((IAddressable)room);
        Assert.Contains(await room.GetRecordedEventsAsync(), e => e.Id == evt.Id);
    }
}

/// <summary>One log entry of the grains, as the test needs it.</summary>
public sealed record LogEntry(LogLevel Level, string Message, bool HasException);

/// <summary>The cluster of <see cref="ClusterFixture"/> whose room writes fail on demand, with the grains' logs kept (debug included).</summary>
public sealed class FailingWritesFixture : ClusterFixture
{
    /// <summary>While true, every grain-state write throws, as storage that is down.</summary>
    public bool Failing { get; set; }

    /// <summary>What the grains logged.</summary>
    public ConcurrentQueue<LogEntry> Logs { get; } = new();

    protected override void Configure(ISiloBuilder silo)
    {
        AddInterceptedStorage(silo, _ => Failing ? Task.FromException(new IOException("storage is down (test)")) : Task.CompletedTask);
        silo.Services.Configure<SessionsOptions>(o => o.WriteBehind = TimeSpan.FromMilliseconds(200));
        silo.Services.AddLogging(logging => logging
            .AddProvider(new Capture(Logs))
            .AddFilter<Capture>("WherebyGrains", LogLevel.Debug));
    }

    private sealed class Capture(ConcurrentQueue<LogEntry> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(logs);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<LogEntry> logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Enqueue(new LogEntry(logLevel, formatter(state, exception), exception is not null));
        }
    }
}
