using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace WherebyGrains.Api.Webhooks;

/// <summary>
/// Verifies Whereby's <c>Whereby-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c> header over the raw
/// body bytes: HMAC-SHA256(secret, "t.body"). Elements may come in any order and with whitespace
/// around them, several <c>v1</c> may be present (any may match), unknown elements are ignored,
/// hex is case-insensitive, and nothing here throws on malformed input. It allocates nothing:
/// each thread keeps a keyed HMAC per secret.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header's name.</summary>
    public const string HeaderName = "Whereby-Signature";

    /// <summary>More <c>v1</c> elements than this in one header are ignored (rotation needs two).</summary>
    public const int MaxSignatures = 8;

    private const int HashSize = 32;

    // 18 digits always fit in a long; a longer "t" is nonsense (far beyond any tolerance) anyway.
    private const int MaxTimestampDigits = 18;

    // Webhook bodies are a few hundred bytes; larger ones use a pooled buffer.
    private const int StackPayloadLimit = 2048;

    /// <summary>Checks <paramref name="header"/> against <paramref name="body"/>.</summary>
    /// <param name="header">The header value; empty when absent.</param>
    /// <param name="body">The exact request body bytes.</param>
    /// <param name="secrets">The tenant's secrets (UTF-8 bytes); any one may sign.</param>
    /// <param name="now">The current time.</param>
    /// <param name="tolerance">The largest accepted |now − t|.</param>
    public static SignatureCheck Verify(
        ReadOnlySpan<char> header,
        ReadOnlySpan<byte> body,
        ReadOnlySpan<byte[]> secrets,
        DateTimeOffset now,
        TimeSpan tolerance) => Verify(header, body, secrets, now, tolerance, out _);

    /// <summary>Checks <paramref name="header"/> against <paramref name="body"/> and says when it was signed.</summary>
    /// <param name="header">The header value; empty when absent.</param>
    /// <param name="body">The exact request body bytes.</param>
    /// <param name="secrets">The tenant's secrets (UTF-8 bytes); any one may sign.</param>
    /// <param name="now">The current time.</param>
    /// <param name="tolerance">The largest accepted |now − t|.</param>
    /// <param name="signedAt">The header's <c>t</c> when the result is <see cref="SignatureCheck.Valid"/>; else default.</param>
    public static SignatureCheck Verify(
        ReadOnlySpan<char> header,
        ReadOnlySpan<byte> body,
        ReadOnlySpan<byte[]> secrets,
        DateTimeOffset now,
        TimeSpan tolerance,
        out DateTimeOffset signedAt)
    {
        signedAt = default;
        if (header.IsWhiteSpace())
        {
            return SignatureCheck.Missing;
        }

        Span<byte> candidates = stackalloc byte[MaxSignatures * HashSize];
        if (!TryParse(header, candidates, out var timestamp, out var timestampDigits, out var candidateCount))
        {
            return SignatureCheck.Malformed;
        }

        // Compare in milliseconds so that "exactly at the tolerance" is accepted in both directions,
        // in 128 bits: an 18-digit t times 1000 overflows a long (and Math.Abs(long.MinValue) throws).
        var skewMs = Int128.Abs((Int128)now.ToUnixTimeMilliseconds() - (Int128)timestamp * 1000);
        // Past year 9999 no instant exists (only a tolerance of millennia would get here).
        if (skewMs > (Int128)tolerance.TotalMilliseconds || timestamp > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return SignatureCheck.OutsideTolerance;
        }

        // The signed payload "t.body" in one buffer: a copy of a few hundred bytes costs far less
        // than the extra native calls of feeding the HMAC in three parts.
        var length = timestampDigits.Length + 1 + body.Length;
        byte[]? rented = null;
        var payload = length <= StackPayloadLimit
            ? stackalloc byte[length]
            : (rented = ArrayPool<byte>.Shared.Rent(length));
        for (var i = 0; i < timestampDigits.Length; i++)
        {
            payload[i] = (byte)timestampDigits[i];
        }
        payload[timestampDigits.Length] = (byte)'.';
        body.CopyTo(payload[(timestampDigits.Length + 1)..]);
        payload = payload[..length];

        Span<byte> expected = stackalloc byte[HashSize];
        var matched = false;
        foreach (var secret in secrets)
        {
            // A keyed HMAC per secret and thread, reset after each use: no re-keying, no allocation.
            var hmac = KeyedHmac.For(secret);
            hmac.AppendData(payload);
            hmac.GetHashAndReset(expected);
            for (var c = 0; c < candidateCount; c++)
            {
                // Non-short-circuiting: every candidate is compared in constant time.
                matched |= CryptographicOperations.FixedTimeEquals(expected, candidates.Slice(c * HashSize, HashSize));
            }
        }
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
        if (!matched)
        {
            return SignatureCheck.Mismatch;
        }
        // Within the tolerance of now, so a representable instant.
        signedAt = DateTimeOffset.FromUnixTimeSeconds(timestamp);
        return SignatureCheck.Valid;
    }

    /// <summary>
    /// Splits the header into exactly one plain-digit <c>t</c> and the well-formed <c>v1</c> values
    /// (64 hex chars, decoded into <paramref name="candidates"/>). A <c>v1</c> of the wrong length or
    /// with non-hex characters can never match, so it is dropped rather than failing the header.
    /// </summary>
    private static bool TryParse(
        ReadOnlySpan<char> header,
        Span<byte> candidates,
        out long timestamp,
        out ReadOnlySpan<char> timestampDigits,
        out int candidateCount)
    {
        timestamp = 0;
        timestampDigits = default;
        candidateCount = 0;
        var timestampCount = 0;
        var v1Count = 0;

        foreach (var range in header.Split(','))
        {
            var element = header[range].Trim();
            var equals = element.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }
            var key = element[..equals].Trim();
            var value = element[(equals + 1)..].Trim();
            if (key.SequenceEqual("t"))
            {
                timestampCount++;
                timestampDigits = value;
            }
            else if (key.SequenceEqual("v1"))
            {
                v1Count++;
                if (candidateCount < MaxSignatures
                    && value.Length == HashSize * 2
                    && Convert.FromHexString(value, candidates.Slice(candidateCount * HashSize, HashSize), out _, out var written) == OperationStatus.Done
                    && written == HashSize)
                {
                    candidateCount++;
                }
            }
        }

        // Two "t" elements are ambiguous; a missing "v1" leaves nothing to check.
        if (timestampCount != 1 || v1Count == 0)
        {
            return false;
        }
        if (timestampDigits.IsEmpty || timestampDigits.Length > MaxTimestampDigits)
        {
            return false;
        }
        foreach (var c in timestampDigits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
            timestamp = timestamp * 10 + (c - '0');
        }
        return true;
    }

    /// <summary>
    /// Keyed HMAC-SHA256 instances per secret, per thread (an instance is not thread-safe). Keyed
    /// by the secret array itself: a configuration reload brings new arrays, and the old entries
    /// go with their arrays.
    /// </summary>
    private static class KeyedHmac
    {
        [ThreadStatic]
        private static ConditionalWeakTable<byte[], IncrementalHash>? _perThread;

        public static IncrementalHash For(byte[] secret)
        {
            var table = _perThread ??= new ConditionalWeakTable<byte[], IncrementalHash>();
            if (!table.TryGetValue(secret, out var hmac))
            {
                hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
                table.Add(secret, hmac);
            }
            return hmac;
        }
    }
}
