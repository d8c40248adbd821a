using System.Text;
using WherebyGrains.Simulator;
using WherebyGrains.Testing;

namespace WherebyGrains.Silo.Tests;

/// <summary>The traffic simulator, run as a user runs it, against a real silo and the query host.</summary>
[Trait("Category", "EndToEnd")]
public sealed class SimulatorTests
{
    [Fact]
    public async Task The_simulator_sends_a_messy_day_and_every_number_checks_out()
    {
        await using var cluster = await ClusterScript.StartAsync(1, new Dictionary<string, string>
        {
            ["WherebyGrains__Tenants__acme__WebhookSecrets__0"] = "whsec-sim",
            ["WherebyGrains__Tenants__acme__ApiKeys__0"] = "key-sim",
            ["WherebyGrains__Tenants__acme__MetadataKeys__0"] = Encoding.UTF8.GetString(GeneratedMeeting.MetadataKey),
            ["WherebyGrains__Query__PermitsPerSecond"] = "10000",
            ["WherebyGrains__Query__Burst"] = "10000",
        });
        var simulator = RepoPaths.Binary("WherebyGrains.Simulator", "wherebygrains-simulator.dll");

        var output = await ToolProcess.RunAsync("dotnet",
            [simulator, "run", "--url", cluster.Silo(1).ToString(), "--query-url", cluster.QueryHost.ToString(),
             "--tenant", "acme", "--secret", "whsec-sim", "--api-key", "key-sim", "--meetings", "6", "--rate", "400", "--seed", "7"],
            TimeSpan.FromMinutes(3),
            new Dictionary<string, string> { ["NO_COLOR"] = "1" });

        Assert.Contains("PASS", output);
        // Rooms take turns: a meeting, a telehealth room (a clinician who stays, patients one at a
        // time, with knocks), a classroom (a teacher who stays between lessons); each checked.
        Assert.Contains("2 Meeting, 2 Telehealth, 2 Classroom", output);
        Assert.Contains("0 failed", output);
        Assert.Contains("/v1/insights/rooms: 6 rooms' totals checked: all equal", output);
        // People of a cohort meet in several rooms: their reports across rooms were checked too.
        Assert.Matches(@"/v1/attendance: [1-9]\d* people checked \([1-9]\d* across rooms", output);
    }
}
