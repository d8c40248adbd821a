using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WherebyGrains.Api.Configuration;
using WherebyGrains.Api.Tenants;
using WherebyGrains.Attendance;

namespace WherebyGrains.Api.Tests;

/// <summary>The <c>WherebyGrains</c> options as every host binds them (<see cref="TenantRegistration"/>), from configuration.</summary>
public sealed class TenantOptionsTests
{
    private static WherebyGrainsOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddWherebyGrainsTenants()
            .BuildServiceProvider();
        return services.GetRequiredService<IOptions<WherebyGrainsOptions>>().Value;
    }

    [Fact]
    public void Identity_and_abandon_after_default_to_the_contract()
    {
        var options = Bind(("WherebyGrains:Tenants:acme:WebhookSecrets:0", "s"));

        Assert.True(options.Tenants["acme"].TryGetIdentity(out var identity));
        Assert.Equal(PersonIdentity.ExternalId, identity);
        Assert.Equal(TimeSpan.FromHours(12), options.Sessions.AbandonAfter);
    }

    [Fact]
    public void Identity_and_abandon_after_bind_per_tenant_and_for_the_service()
    {
        var options = Bind(
            ("WherebyGrains:Tenants:acme:Identity", "SignedMetadata"),
            ("WherebyGrains:Tenants:globex:Identity", "externalid"),
            ("WherebyGrains:Sessions:AbandonAfter", "02:30:00"));

        Assert.Equal<PersonIdentity?>(PersonIdentity.SignedMetadata, options.Tenants["acme"].TryGetIdentity(out var acme) ? acme : null);
        Assert.Equal<PersonIdentity?>(PersonIdentity.ExternalId, options.Tenants["globex"].TryGetIdentity(out var globex) ? globex : null);
        Assert.Equal(TimeSpan.FromMinutes(150), options.Sessions.AbandonAfter);
    }

    [Fact]
    public void An_identity_that_names_no_choice_is_refused_with_the_key()
    {
        foreach (var value in new[] { "Email", "7", "External Id" })
        {
            var error = Assert.Throws<OptionsValidationException>(() => Bind(("WherebyGrains:Tenants:acme:Identity", value)));
            Assert.Equal($"WherebyGrains:Tenants:acme:Identity is '{value}': expected ExternalId or SignedMetadata.", Assert.Single(error.Failures));
        }
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-01:00:00")]
    public void Abandon_after_must_be_positive(string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(("WherebyGrains:Sessions:AbandonAfter", value)));

        Assert.Contains("WherebyGrains:Sessions:AbandonAfter", Assert.Single(error.Failures));
    }

    [Fact]
    public void An_attendance_policy_binds_per_tenant_and_none_is_the_default()
    {
        var options = Bind(
            ("WherebyGrains:Tenants:acme:Attendance:PresentRatio", "0.75"),
            ("WherebyGrains:Tenants:globex:Attendance:PresentSeconds", "1200"),
            ("WherebyGrains:Tenants:initech:WebhookSecrets:0", "s"));

        Assert.Equal(new AttendancePolicy(0.75, null), options.Tenants["acme"].Attendance.Policy);
        Assert.Equal(new AttendancePolicy(null, 1200), options.Tenants["globex"].Attendance.Policy);
        Assert.Null(options.Tenants["initech"].Attendance.Policy);
    }

    [Theory]
    [InlineData("PresentRatio", "0")]
    [InlineData("PresentRatio", "1.5")]
    [InlineData("PresentRatio", "-0.2")]
    [InlineData("PresentSeconds", "0")]
    [InlineData("PresentSeconds", "-60")]
    public void An_attendance_policy_out_of_range_is_refused_with_the_key(string key, string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(($"WherebyGrains:Tenants:acme:Attendance:{key}", value)));

        Assert.StartsWith($"WherebyGrains:Tenants:acme:Attendance:{key} is ", Assert.Single(error.Failures));
    }
}
