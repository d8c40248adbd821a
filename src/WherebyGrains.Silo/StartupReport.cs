using WherebyGrains.ServiceDefaults;
using Microsoft.Extensions.Options;
using WherebyGrains.Api.Configuration;
using WherebyGrains.Api.Tenants;

namespace WherebyGrains.Silo;

/// <summary>
/// Says at start-up what an operator needs to know: which tenants are configured (never their
/// secrets), how to add one when there is none, and loudly when storage is memory only.
/// </summary>
internal sealed partial class StartupReport(
    TenantDirectory tenants,
    StorageOptions storage,
    IOptions<WherebyGrainsOptions> options,
    IHostEnvironment environment,
    ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Privacy.PersonKeySecret == PrivacyOptions.DevelopmentPersonKeySecret && storage.Provider == StorageProvider.AzureTable && !environment.IsDevelopment())
        {
            LogDevelopmentPersonKey();
        }
        if (storage.Provider == StorageProvider.Memory)
        {
            LogMemoryStorage();
        }
        if (tenants.All.Count == 0)
        {
            LogNoTenant();
        }
        else
        {
            LogTenants(string.Join(", ", tenants.All.Select(t => t.Id).Order(StringComparer.Ordinal)));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "WherebyGrains:Storage:Provider is Memory: NOTHING SURVIVES A RESTART. Every event acknowledged by this silo is lost when it stops. Use it for benchmarks only.")]
    private partial void LogMemoryStorage();

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "No tenant is configured, so every webhook is answered 404. Add one, e.g. WherebyGrains__Tenants__acme__WebhookSecrets__0=<the secret from Whereby's dashboard>, and restart.")]
    private partial void LogNoTenant();

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "WherebyGrains:Privacy:PersonKeySecret is the built-in development value: person keys (grain ids, storage keys) can be recomputed by anyone who reads the source. Set a secret of your own before the first event (changing it later orphans every person's history).")]
    private partial void LogDevelopmentPersonKey();

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenants configured: {TenantIds}")]
    private partial void LogTenants(string tenantIds);
}
