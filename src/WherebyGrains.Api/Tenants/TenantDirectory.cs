using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
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
        _subscription = options.OnChange(Reload);
    }

    /// <summary>All configured tenants.</summary>
    public IReadOnlyCollection<Tenant> All => _tenants.Values;

    /// <summary>Finds a tenant by id; false for unknown or malformed ids.</summary>
    public bool TryGet(string tenantId, out Tenant tenant) => _tenants.TryGetValue(tenantId, out tenant!);

    /// <summary>
    /// Finds the tenant whose API key is <paramref name="apiKey"/>. Every configured key is
    /// compared, in constant time, whatever matches: the time taken says nothing about the keys.
    /// </summary>
    public bool TryGetByApiKey(string apiKey, out Tenant tenant)
    {
        Span<byte> presented = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(apiKey), presented);
        Tenant? found = null;
        foreach (var candidate in _tenants.Values)
        {
            foreach (var hash in candidate.ApiKeyHashes)
            {
                if (CryptographicOperations.FixedTimeEquals(presented, hash))
                {
                    found ??= candidate;
                }
            }
        }
        tenant = found!;
        return found is not null;
    }

    /// <inheritdoc />
    public void Dispose() => _subscription?.Dispose();

    private void Reload(WherebyGrainsOptions options)
    {
        if (ApiKeyOwnership.Conflict(options) is { } conflict)
        {
            // The start refuses such a configuration; a reload to one keeps the tenants as they were.
            _logger.LogError("Configuration change ignored: {Conflict}", conflict);
            return;
        }
        _tenants = Build(options);
    }

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
