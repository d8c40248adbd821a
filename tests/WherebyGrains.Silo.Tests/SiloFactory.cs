using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using WherebyGrains.Testing;

namespace WherebyGrains.Silo.Tests;

/// <summary>
/// One real silo (Orleans co-hosted with ASP.NET Core, the production Program) on free ports,
/// storing grain state in the given Azurite. Disposing it shuts the silo down; a new factory on
/// the same Azurite is a restart.
/// </summary>
public sealed class SiloFactory(string storageConnectionString, IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    /// <summary>The tenant every test posts as.</summary>
    public const string Tenant = "acme";

    /// <summary>Its current webhook secret.</summary>
    public const string Secret = "whsec-test-current";

    /// <summary>Its previous secret, still accepted during the rotation.</summary>
    public const string OldSecret = "whsec-test-previous";

    /// <summary>A second tenant, to check that one tenant's secret never signs for another.</summary>
    public const string OtherTenant = "globex";

    /// <summary>The second tenant's secret.</summary>
    public const string OtherSecret = "whsec-globex";

    /// <summary>The tenant's query API key.</summary>
    public const string ApiKey = "key-acme-0123456789";

    /// <summary>The second tenant's query API key.</summary>
    public const string OtherApiKey = "key-globex-9876543210";

    /// <summary>The grain factory of the silo.</summary>
    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>An HTTP client that reads the query API with <paramref name="apiKey"/>.</summary>
    public HttpClient Reader(string apiKey = ApiKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>A sender for <see cref="Tenant"/>.</summary>
    public WebhookSender Webhooks() => new(CreateClient(), Tenant, Secret);

    /// <summary>Extra host configuration, applied after the settings.</summary>
    public Action<IWebHostBuilder>? Configure { get; set; }

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("WherebyGrains:Storage:ConnectionString", storageConnectionString);
        builder.UseSetting("WherebyGrains:Orleans:SiloPort", FreePort.Next().ToString());
        builder.UseSetting("WherebyGrains:Orleans:GatewayPort", FreePort.Next().ToString());
        builder.UseSetting($"WherebyGrains:Tenants:{Tenant}:WebhookSecrets:0", Secret);
        builder.UseSetting($"WherebyGrains:Tenants:{Tenant}:WebhookSecrets:1", OldSecret);
        builder.UseSetting($"WherebyGrains:Tenants:{OtherTenant}:WebhookSecrets:0", OtherSecret);
        builder.UseSetting($"WherebyGrains:Tenants:{Tenant}:ApiKeys:0", ApiKey);
        builder.UseSetting($"WherebyGrains:Tenants:{OtherTenant}:ApiKeys:0", OtherApiKey);
        builder.UseSetting("WherebyGrains:Query:PermitsPerSecond", "10000");
        builder.UseSetting("WherebyGrains:Query:Burst", "10000");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
        Configure?.Invoke(builder);
    }
}
