using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WherebyGrains.Api.Configuration;

namespace WherebyGrains.Api.Tenants;

/// <summary>
/// The configured tenants, rebuilt whenever configuration reloads so that a secret rotation
/// needs no restart. Lookups on the hot path read one frozen dictionary.
/// </summary>
public sealed class TenantDirectory : IDisposable
{
    private readonly ILogger<TenantDirectory> _logger;
    private readonly IDisposable? _subscription;
    private volatile FrozenDictionary<string, Tenant> _tenants;

    /// <summary>Builds the directory and follows configuration changes.</summary>
    public TenantDirectory(IOptionsMonitor<WherebyGrainsOptions> options, ILogger<TenantDirectory> logger)
    {
        _logger = logger;
        _tenants = Build(options.CurrentValue);
        _subscription = options.OnChange(o => _tenants = Build(o));
    }

    /// <summary>All configured tenants.</summary>
    public IReadOnlyCollection<Tenant> All => _tenants.Values;

    /// <summary>Finds a tenant by id; false for unknown or malformed ids.</summary>
    public bool TryGet(string tenantId, out Tenant tenant) => _tenants.TryGetValue(tenantId, out tenant!);

    /// <inheritdoc />
    public void Dispose() => _subscription?.Dispose();

    private FrozenDictionary<string, Tenant> Build(WherebyGrainsOptions options)
    {
        var tenants = new Dictionary<string, Tenant>(StringComparer.Ordinal);
        foreach (var (id, tenant) in options.Tenants)
        {
            if (!TenantId.IsValid(id))
            {
                // A bad id in configuration can never match a request path; say so rather than fail the host.
                _logger.LogError("Configured tenant id '{TenantId}' is not 1-64 chars of [a-z0-9-]; it is ignored.", id);
                continue;
            }
            var built = new Tenant(id, tenant.WebhookSecrets, tenant.ApiKeys, tenant.MetadataKeys);
            if (built.WebhookSecrets.IsEmpty)
            {
                _logger.LogWarning("Tenant {TenantId} has no webhook secret: its webhooks will all be rejected with 401.", id);
            }
            tenants[id] = built;
        }
        return tenants.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
