using System.Security.Cryptography;
using System.Text;

namespace WherebyGrains.Simulator;

/// <summary>Signs bodies the way Whereby does: <c>t=&lt;unix seconds&gt;,v1=hex(HMAC-SHA256(secret, "t.body"))</c>.</summary>
public static class WebhookSigner
{
    /// <summary>The <c>Whereby-Signature</c> header value for <paramref name="body"/> signed at <paramref name="at"/>.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var payload = new byte[t.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(t, payload);
        payload[t.Length] = (byte)'.';
        body.CopyTo(payload.AsSpan(t.Length + 1));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload);
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>The header for a UTF-8 string body.</summary>
    public static string Sign(string secret, string body, DateTimeOffset at) => Sign(secret, Encoding.UTF8.GetBytes(body), at);
}
