namespace WherebyGrains.Silo.Tests;

/// <summary>
/// A setting that would give wrong numbers quietly stops the silo at start, with a message that
/// names the key (memory storage: the start fails before anything would use storage).
/// </summary>
[Trait("Category", "Integration")]
public sealed class ConfigurationErrorTests
{
    [Theory]
    [InlineData("WherebyGrains:Tenants:acme:Identity", "Email", "WherebyGrains:Tenants:acme:Identity is 'Email': expected ExternalId or SignedMetadata.")]
    [InlineData("WherebyGrains:Tenants:acme:Identity", "2", "WherebyGrains:Tenants:acme:Identity is '2': expected ExternalId or SignedMetadata.")]
    [InlineData("WherebyGrains:Sessions:AbandonAfter", "00:00:00", "WherebyGrains:Sessions:AbandonAfter is 00:00:00: it must be positive")]
    public async Task A_bad_setting_stops_the_silo_at_start_saying_which(string key, string value, string message)
    {
        await using var silo = new SiloFactory("UseDevelopmentStorage=true", new Dictionary<string, string>
        {
            ["WherebyGrains:Storage:Provider"] = "Memory",
            [key] = value,
        });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Task.Run(() => silo.CreateClient().Dispose(), TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken));

        var messages = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }
        Assert.True(messages.Any(m => m.Contains(message, StringComparison.Ordinal)), string.Join(" | ", messages));
    }
}
