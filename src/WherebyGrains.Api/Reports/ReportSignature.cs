using System.Security.Cryptography;
using System.Text;

namespace WherebyGrains.Api.Reports;

/// <summary>
/// Standard Webhooks 1.0 signatures, as the reports sent to a tenant's app carry them: headers
/// <c>webhook-id</c>, <c>webhook-timestamp</c> (Unix seconds) and <c>webhook-signature</c>
/// (<c>v1,&lt;base64 HMAC-SHA256&gt;</c> over <c>id.timestamp.body</c>, several space-separated during a
/// key rotation), keyed by the secret's bytes (<c>whsec_</c> and base64). Any library of that
/// specification verifies them; <see cref="Verify"/> is the same check, for the simulator's receiver.
/// </summary>
public sealed class ReportSignature
{
    /// <summary>The message id header: the same for every attempt of one report.</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>The signing time header, Unix seconds.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary>The signatures header.</summary>
    public const string SignatureHeader = "webhook-signature";

    private const string SecretPrefix = "whsec_";
    private const string Version = "v1,";

    // The specification's secrets are 24 to 64 random bytes.
    private const int MinKeyBytes = 24;
    private const int MaxKeyBytes = 64;

    private readonly byte[] _key;

    private ReportSignature(byte[] key) => _key = key;

    /// <summary>Reads a secret (<c>whsec_</c> and base64; the prefix may be left out); false for anything else, or a key of fewer than 24 or more than 64 bytes.</summary>
    public static bool TryParse(string? secret, out ReportSignature signature)
    {
        signature = null!;
        if (string.IsNullOrWhiteSpace(secret))
        {
            return false;
        }
        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        var key = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, key, out var length) || length is < MinKeyBytes or > MaxKeyBytes)
        {
            return false;
        }
        signature = new ReportSignature(key[..length]);
        return true;
    }

    /// <summary>A new random secret, as a tenant's app would be given one.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The <c>webhook-signature</c> value of message <paramref name="id"/> signed at <paramref name="timestamp"/> (Unix seconds) over <paramref name="body"/>.</summary>
    public string Sign(string id, long timestamp, ReadOnlySpan<byte> body) =>
        Version + Convert.ToBase64String(Mac(id, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), body));

    /// <summary>
    /// Whether the headers are a valid signature of <paramref name="body"/>: a timestamp within
    /// <paramref name="tolerance"/> of <paramref name="now"/> and one <c>v1</c> signature that
    /// matches (compared in constant time). Never throws on malformed headers.
    /// </summary>
    public bool Verify(string? id, string? timestamp, string? signatures, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(signatures)
            || !long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance)
        {
            return false;
        }
        // Over the timestamp as sent, as the specification signs it.
        var expected = Mac(id, timestamp!, body);
        Span<byte> given = stackalloc byte[64];
        foreach (var entry in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (entry.StartsWith(Version, StringComparison.Ordinal)
                && Convert.TryFromBase64String(entry[Version.Length..], given, out var length)
                && CryptographicOperations.FixedTimeEquals(given[..length], expected))
            {
                return true;
            }
        }
        return false;
    }

    private byte[] Mac(string id, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return HMACSHA256.HashData(_key, content);
    }
}
