using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using WherebyGrains.Api.Webhooks;

namespace WherebyGrains.Api.Tests;

/// <summary>
/// Issue 18: 15 s of storage outage at 100 webhooks/s wrote ~145,000 lines. Now: one line when it
/// goes, a summary of counts per interval while it stays away, one when it is back; no traces.
/// </summary>
public sealed class StorageOutageLogTests
{
    [Fact]
    public void An_outage_of_95_seconds_at_100_per_second_writes_five_lines_without_a_stack_trace()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
        var logger = new ListLogger();
        var log = new StorageOutageLog(clock, logger);
        log.Succeeded();

        var error = new InvalidOperationException("Service request failed.\nStatus: 500\nHeaders: lots of them");
        for (var i = 0; i < 9_500; i++)
        {
            log.Failed(error, "storage");
            clock.Advance(TimeSpan.FromMilliseconds(10));
        }
        log.Succeeded();
        log.Succeeded();

        var lines = logger.Entries.Where(e => e.Level >= LogLevel.Information).ToList();
        Assert.Equal(5, lines.Count);
        Assert.StartsWith("Storage unavailable", lines[0].Message);
        Assert.Contains("InvalidOperationException: Service request failed.", lines[0].Message);
        Assert.DoesNotContain("Headers", lines[0].Message);
        Assert.All(lines[1..4], l => Assert.StartsWith("Storage still unavailable: 3000 webhooks", l.Message));
        Assert.StartsWith("Storage is back after 95.0 s: 9500 webhooks", lines[4].Message);
        Assert.All(lines, l => Assert.Null(l.Exception));
    }

    [Fact]
    public void A_second_outage_is_reported_again()
    {
        var clock = new FakeTimeProvider();
        var logger = new ListLogger();
        var log = new StorageOutageLog(clock, logger);

        log.Failed(new TimeoutException("late"), "timeout");
        log.Succeeded();
        log.Failed(new TimeoutException("late"), "timeout");
        log.Succeeded();

        Assert.Equal(4, logger.Entries.Count(e => e.Level >= LogLevel.Information));
    }

    private sealed class ListLogger : ILogger<StorageOutageLog>
    {
        public List<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception), logLevel >= LogLevel.Information ? exception : null));
    }
}
