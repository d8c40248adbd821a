using System.Globalization;
using WherebyGrains.Silo.Tests.Fuzzing;

namespace WherebyGrains.Silo.Tests;

/// <summary>
/// The fuzzing harness in CI: a fixed seed and a few thousand generated cases through the real
/// HTTP pipeline of a real silo (memory storage). <c>tools/fuzz/run.sh</c> runs it for as many
/// cases or as long as asked (FUZZ_CASES, FUZZ_SECONDS, FUZZ_SEED) and prints the report.
/// </summary>
public sealed class FuzzTests(MemorySiloFixture fixture) : IClassFixture<MemorySiloFixture>
{
    [Fact]
    public async Task Generated_webhooks_and_queries_never_break_an_invariant()
    {
        var seed = Setting("FUZZ_SEED") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : 18;
        var cases = Setting("FUZZ_CASES") is { } c ? long.Parse(c, CultureInfo.InvariantCulture) : 5000;
        TimeSpan? duration = Setting("FUZZ_SECONDS") is { } d ? TimeSpan.FromSeconds(double.Parse(d, CultureInfo.InvariantCulture)) : null;

        var report = await new FuzzRun(fixture.Silo, seed).RunAsync(cases, duration, TestContext.Current.CancellationToken);

        TestContext.Current.SendDiagnosticMessage(report.ToString());
        if (Setting("FUZZ_REPORT") is { } path)
        {
            await File.WriteAllTextAsync(path, report + "\n", TestContext.Current.CancellationToken);
        }
        Assert.True(report.Cases >= Math.Min(cases, 1000), $"only {report.Cases} cases ran");
        // Every invariant had cases to hold for: webhooks acknowledged (the room must hold them) and
        // refused (it must not; a 400 is a problem), queries answered and refused. Generation that
        // only made one kind (all signatures wrong, say) would find nothing and prove nothing.
        foreach (var kind in new[] { "webhook 200", "webhook 400", "webhook 401", "query 200", "query 400" })
        {
            Assert.True(report.Statuses.GetValueOrDefault(kind) > 0, $"no case answered {kind}: {report}");
        }
        Assert.True(report.Findings.Count == 0, report.ToString());
    }

    private static string? Setting(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
