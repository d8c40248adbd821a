using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WherebyGrains.Attendance;

/// <summary>The outcome of checking a connection's <c>metadata</c>.</summary>
/// <param name="Shown">What rows show: the value when verified, else the raw string.</param>
/// <param name="Verified">True or false when the tenant has metadata keys; null without keys.</param>
/// <param name="Identity">The verified value, usable as a person key; null unless verified.</param>
public readonly record struct MetadataCheck(string? Shown, bool? Verified, string? Identity);

/// <summary>
/// Signed metadata (api.md): <c>&lt;value&gt;,&lt;unixSeconds&gt;,&lt;hex HMAC-SHA256(key, "&lt;value&gt;,&lt;unixSeconds&gt;")&gt;</c>.
/// The value may contain commas: the last two parts are the timestamp and the signature.
/// </summary>
public sealed class SignedMetadata(IReadOnlyList<byte[]> keys, TimeSpan maxAge, TimeSpan futureTolerance)
{
    // A room checks the same connections' metadata each time it computes (every settle): the
    // answers are kept, so that the HMAC runs once per connection, not once per computation.
    private const int MaxRemembered = 4096;
    // Made on first use: each room activation of a tenant with keys has an instance of its own,
    // and in many rooms no connection carries metadata.
    private ConcurrentDictionary<(string Metadata, long EventAtMs), MetadataCheck>? _checked;

    /// <summary>No keys: every check answers "not verifiable" (<c>Verified</c> null).</summary>
    public static SignedMetadata None { get; } = new([], TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>Checks <paramref name="metadata"/> of an event that happened at <paramref name="eventAtMs"/>.</summary>
    public MetadataCheck Check(string? metadata, long eventAtMs)
    {
        if (keys.Count == 0)
        {
            return new MetadataCheck(metadata, null, null);
        }
        if (metadata is null)
        {
            return new MetadataCheck(null, false, null);
        }
        var answers = LazyInitializer.EnsureInitialized(ref _checked);
        if (answers.TryGetValue((metadata, eventAtMs), out var known))
        {
            return known;
        }
        if (answers.Count >= MaxRemembered)
        {
            answers.Clear();
        }
        return answers[(metadata, eventAtMs)] = Verify(metadata, eventAtMs);
    }

    private MetadataCheck Verify(string metadata, long eventAtMs)
    {
        var lastComma = metadata.LastIndexOf(',');
        var middleComma = lastComma > 0 ? metadata.LastIndexOf(',', lastComma - 1) : -1;
        if (middleComma < 0)
        {
            return new MetadataCheck(metadata, false, null);
        }
        var signed = metadata.AsSpan(0, lastComma);
        var timestamp = metadata.AsSpan(middleComma + 1, lastComma - middleComma - 1);
        var signature = metadata.AsSpan(lastComma + 1);
        if (timestamp.IsEmpty || timestamp.Length > 12 || timestamp.ContainsAnyExceptInRange('0', '9')
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return new MetadataCheck(metadata, false, null);
        }
        var ageMs = eventAtMs - seconds * 1000;
        if (ageMs > (long)maxAge.TotalMilliseconds || -ageMs > (long)futureTolerance.TotalMilliseconds)
        {
            return new MetadataCheck(metadata, false, null);
        }
        Span<byte> given = stackalloc byte[32];
        if (signature.Length != 64 || Convert.FromHexString(signature, given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return new MetadataCheck(metadata, false, null);
        }

        var payload = Encoding.UTF8.GetBytes(signed.ToString());
        Span<byte> expected = stackalloc byte[32];
        var matched = false;
        foreach (var key in keys)
        {
            HMACSHA256.HashData(key, payload, expected);
            matched |= CryptographicOperations.FixedTimeEquals(expected, given);
        }
        if (!matched)
        {
            return new MetadataCheck(metadata, false, null);
        }
        var value = metadata[..middleComma];
        return new MetadataCheck(value, true, value.Length > 0 ? value : null);
    }
}
