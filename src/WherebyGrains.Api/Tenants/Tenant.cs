using System.Collections.Immutable;
using System.Text;

namespace WherebyGrains.Api.Tenants;

/// <summary>One configured tenant with its secrets already encoded for HMAC.</summary>
public sealed class Tenant
{
    /// <summary>Creates a tenant from its configured secrets and keys.</summary>
    public Tenant(string id, IEnumerable<string> webhookSecrets, IEnumerable<string> apiKeys, IEnumerable<string> metadataKeys)
    {
        Id = id;
        WebhookSecrets = Encode(webhookSecrets);
        ApiKeys = Encode(apiKeys);
        MetadataKeys = Encode(metadataKeys);
    }

    /// <summary>The tenant id.</summary>
    public string Id { get; }

    /// <summary>UTF-8 bytes of each webhook secret; any one may sign.</summary>
    public ImmutableArray<byte[]> WebhookSecrets { get; }

    /// <summary>UTF-8 bytes of each query API key.</summary>
    public ImmutableArray<byte[]> ApiKeys { get; }

    /// <summary>UTF-8 bytes of each metadata signing key.</summary>
    public ImmutableArray<byte[]> MetadataKeys { get; }

    private static ImmutableArray<byte[]> Encode(IEnumerable<string> values) =>
        [.. values.Where(v => !string.IsNullOrEmpty(v)).Select(Encoding.UTF8.GetBytes)];
}
