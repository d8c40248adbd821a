using System.Diagnostics;
using WherebyGrains.Contracts;
using WherebyGrains.Simulator;
using WherebyGrains.Testing;

namespace WherebyGrains.Silo.Tests;

/// <summary>
/// Storage slow, frozen or gone behind a TCP proxy, or Azurite itself frozen (SIGSTOP): every
/// answer comes within Whereby's 5 s, a 503 within the ingest timeout, and every event answered
/// 2xx is there after recovery, also for a silo started afresh on the same storage.
/// </summary>
[Trait("Category", "Integration")]
public sealed class StorageFaultTests : AzuriteTest
{
    private static readonly TimeSpan WherebyTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan IngestTimeout = new Api.Configuration.WebhookOptions().IngestTimeout;

    [Theory]
    [InlineData(ProxyFault.Frozen)]
    [InlineData(ProxyFault.Dropping)]
    [InlineData(ProxyFault.Slow)]
    public async Task Every_answer_is_in_time_and_every_acknowledged_event_survives(ProxyFault fault)
    {
        await using var proxy = FaultyProxy.Start(Azurite.TablePort);
        proxy.Delay = TimeSpan.FromMilliseconds(1500);
        var throughProxy = Azurite.ConnectionString.Replace($":{Azurite.TablePort}/", $":{proxy.Port}/", StringComparison.Ordinal);
        await RunThroughFaultAsync(throughProxy, on => proxy.Fault = on ? fault : ProxyFault.None, expectUnavailable: fault != ProxyFault.Slow,
            expectSlowerThan: fault == ProxyFault.Slow ? proxy.Delay : null);
    }

    [Fact]
    public async Task Azurite_frozen_by_SIGSTOP_answers_in_time_and_loses_no_acknowledged_event()
    {
        // The host itself hung (no proxy): its sockets stay open, nothing answers, then it goes on.
        await RunThroughFaultAsync(Azurite.ConnectionString, on =>
        {
            if (on)
            {
                Azurite.Freeze();
            }
            else
            {
                Azurite.Thaw();
            }
        }, expectUnavailable: true);
    }

    /// <summary>
    /// Webhooks at 10/s to four rooms: a few before the fault, six seconds of them during it, a few
    /// after; then every answer checked and every acknowledged event looked for in a silo started
    /// afresh on the same storage (no proxy).
    /// </summary>
    private async Task RunThroughFaultAsync(string connectionString, Action<bool> fault, bool expectUnavailable, TimeSpan? expectSlowerThan = null)
    {
        var acknowledged = new List<(string Room, string Id)>();
        var answers = new List<(int Status, TimeSpan Took)>();

        await using (var silo = new SiloFactory(connectionString))
        {
            var sender = silo.Webhooks();
            var at = DateTimeOffset.UtcNow.AddMinutes(-5);
            async Task SendAsync(int i)
            {
                var room = $"/fault-{i % 4}";
                var id = WherebyPayloads.NewEventId();
                var body = WherebyPayloads.Client(WherebyEventTypes.ClientJoined, room, at.AddMilliseconds(i), participantId: $"p{i}", id: id);
                var clock = Stopwatch.StartNew();
                var (status, _) = await sender.SendAsync(body);
                lock (answers)
                {
                    answers.Add((status, clock.Elapsed));
                    if (status is >= 200 and < 300)
                    {
                        acknowledged.Add((room, id));
                    }
                }
            }

            for (var i = 0; i < 8; i++)
            {
                await SendAsync(i);
            }
            fault(true);
            var during = new List<Task>();
            try
            {
                for (var i = 8; i < 68; i++)
                {
                    during.Add(SendAsync(i));
                    await Task.Delay(100, TestContext.Current.CancellationToken);
                }
                await Task.WhenAll(during);
            }
            finally
            {
                fault(false);
            }
            for (var i = 68; i < 76; i++)
            {
                await SendAsync(i);
            }
        }

        Assert.All(answers, a => Assert.True(a.Took < WherebyTimeout, $"an answer took {a.Took}"));
        Assert.All(answers, a => Assert.True(a.Status is 200 or 503, $"answered {a.Status}"));
        Assert.All(answers.Where(a => a.Status == 503), a => Assert.True(a.Took < IngestTimeout + TimeSpan.FromSeconds(1), $"a 503 took {a.Took}"));
        Assert.True(acknowledged.Count >= 16, $"only {acknowledged.Count} acknowledged");
        if (expectUnavailable)
        {
            // The fault reached the silo: storage that is hung or gone makes ingest answer 503.
            Assert.Contains(answers, a => a.Status == 503);
        }
        if (expectSlowerThan is { } slow)
        {
            // The fault reached the silo: storage that is slow makes some answers wait for it.
            Assert.True(answers.Any(a => a.Took >= slow), $"no answer took {slow} or more: storage was never slow for the silo");
        }

        await using var restarted = new SiloFactory(Azurite.ConnectionString);
        foreach (var room in acknowledged.GroupBy(a => a.Room))
        {
            var grain = restarted.Grains.GetGrain<IRoomGrain>(new RoomKey(SiloFactory.Tenant, room.Key).ToString());
            var wanted = room.Select(a => a.Id).ToHashSet();
            var held = await Eventually.Async(async () => (await grain.GetRecordedEventsAsync()).Select(e => e.Id).ToHashSet(), ids => wanted.IsSubsetOf(ids), TimeSpan.FromSeconds(90));
            Assert.Empty(wanted.Except(held));
        }
    }
}
