using WherebyGrains.Simulator;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using WherebyGrains.Testing;

namespace WherebyGrains.Silo.Tests;

/// <summary>
/// Two silo processes clustered over Azure Table (deploy/local/cluster.sh), signed traffic spread
/// over both, and one of them killed (-9) or stopped (SIGTERM) mid-stream, with every delivery
/// retried the way Whereby does it: every delivery must end in a 2xx, and the final numbers must
/// equal those of the same traffic without a failure (the oracle). The kill comes with storage
/// turning slow (a proxy between the silos and Azurite delivers every chunk 500 ms late, each way):
/// the survivor takes over the lost silo's rooms while each of their reads and writes takes a second.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ClusterFailoverTests
{
    private const string Tenant = "acme";
    private const string Secret = "whsec-cluster";
    private const string ApiKey = "key-cluster";

    private static readonly Dictionary<string, string> Configuration = new()
    {
        [$"WherebyGrains__Tenants__{Tenant}__WebhookSecrets__0"] = Secret,
        [$"WherebyGrains__Tenants__{Tenant}__ApiKeys__0"] = ApiKey,
        [$"WherebyGrains__Tenants__{Tenant}__MetadataKeys__0"] = Encoding.UTF8.GetString(GeneratedMeeting.MetadataKey),
        ["WherebyGrains__Query__PermitsPerSecond"] = "10000",
        ["WherebyGrains__Query__Burst"] = "10000",
    };

    /// <summary>
    /// Storage's round trip while slow: well inside <c>Webhooks:IngestTimeout</c> (3 s). Storage
    /// slower than that is answered 503 by design (what cannot be made durable is not acknowledged),
    /// and StorageFaultTests covers it.
    /// </summary>
    private static readonly TimeSpan SlowStorageEachWay = TimeSpan.FromMilliseconds(500);

    [Theory]
    [InlineData(9)]
    [InlineData(15)]
    public async Task A_silo_lost_mid_stream_loses_no_event_and_changes_no_number(int signal)
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var storage = FaultyProxy.Start(azurite.TablePort);
        storage.Delay = SlowStorageEachWay;
        // cluster.sh starts no Azurite of its own when given a connection string.
        await using var cluster = await ClusterScript.StartAsync(2, new Dictionary<string, string>(Configuration)
        {
            ["WherebyGrains__Storage__ConnectionString"] = azurite.ConnectionString.Replace($":{azurite.TablePort}/", $":{storage.Port}/", StringComparison.Ordinal),
        });
        var meetings = new[] { 41, 42, 43, 44, 45, 46, 47, 48 }.Select(seed => GeneratedMeeting.Generate(seed, DateTimeOffset.UtcNow.AddDays(-1))).ToList();
        var random = new Random(signal);
        var deliveries = meetings
            .SelectMany(m => m.Events.Select(e => WherebyPayloads.From(e, $"/failover-{m.Seed}")))
            .SelectMany(body => random.Next(5) == 0 ? new[] { body, body } : [body])
            .OrderBy(_ => random.Next())
            .ToList();

        var silos = new[] { cluster.Silo(1), cluster.Silo(2) };
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var failed = new ConcurrentBag<string>();
        var answered = new ConcurrentDictionary<int, int>();
        var sent = 0;
        var victim = cluster.SiloPid(2);

        await Parallel.ForEachAsync(deliveries, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (body, _) =>
        {
            if (Interlocked.Increment(ref sent) == deliveries.Count * 2 / 5)
            {
                if (signal == 9)
                {
                    storage.Fault = ProxyFault.Slow;
                    cluster.Kill(victim);
                }
                else
                {
                    cluster.Terminate(victim);
                }
            }
            // Like a load balancer in front of the silos: a retry goes to the other silo.
            var (status, _) = await WherebyDelivery.SendAsync(http, silos, Random.Shared.Next(2), Tenant, Secret, body);
            answered.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (status is < 200 or > 299)
            {
                failed.Add($"{status}: {body[..80]}");
            }
        });
        storage.Fault = ProxyFault.None;

        // The victim really went: a signal that missed (a wrong pid, a failed kill) would leave nothing
        // to fail over, and every number below would hold anyway. cluster.sh reports each silo that exits.
        await Eventually.Async(
            () => Task.FromResult(cluster.Output.Contains($"silo 2 (pid {victim}) exited", StringComparison.Ordinal)),
            exited => exited,
            TimeSpan.FromSeconds(90));
        Assert.True(failed.IsEmpty, $"{failed.Count} deliveries failed after Whereby's retries: {string.Join("\n", failed.Take(5))}\n{cluster.Output}\n{cluster.LogTails()}");
        TestContext.Current.TestOutputHelper?.WriteLine($"signal {signal}: {deliveries.Count} deliveries, answers {string.Join(", ", answered.Select(a => $"{a.Key}×{a.Value}"))}");

        // The surviving silo and the query host must both serve the oracle's numbers.
        foreach (var reader in new[] { Reader(cluster.Silo(1)), Reader(cluster.QueryHost) })
        {
            foreach (var meeting in meetings)
            {
                var differences = await Eventually.Async(
                    () => OracleOverHttp.DifferencesAsync(reader, meeting, $"/failover-{meeting.Seed}"),
                    d => d.Count == 0,
                    TimeSpan.FromSeconds(90));
                Assert.True(differences.Count == 0, $"meeting {meeting}: {string.Join("\n", differences.Take(10))}\n{cluster.LogTails()}");
            }
        }
    }

    private static HttpClient Reader(Uri baseAddress)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }
}
