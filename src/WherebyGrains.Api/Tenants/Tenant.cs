using System.Collections.Immutable;
using System.Security.Cryptography;
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
        ApiKeyHashes = [.. Encode(apiKeys).Select(SHA256.HashData)];
        MetadataKeys = Encode(metadataKeys);
    }

    /// <summary>The tenant id.</summary>
    public string Id { get; }

    /// <summary>UTF-8 bytes of each webhook secret; any one may sign.</summary>
    public ImmutableArray<byte[]> WebhookSecrets { get; }

    /// <summary>
    /// SHA-256 of each query API key: comparing fixed-length hashes in constant time reveals
    /// neither a key's content nor its length.
    /// </summary>
    public ImmutableArray<byte[]> ApiKeyHashes { get; }

    /// <summary>UTF-8 bytes of each metadata signing key.</summary>
    public ImmutableArray<byte[]> MetadataKeys { get; }

    private static ImmutableArray<byte[]> Encode(IEnumerable<string> values) =>
        [.. values.Where(v => !string.IsNullOrEmpty(v)).Select(Encoding.UTF8.GetBytes)];
}
