using System.Security.Cryptography;
using System.Text;

namespace WherebyGrains.Contracts;

/// <summary>
/// Person keys (person grain ids; their hex part also keys people's rows in storage): <c>{tenantId}/{hex of HMAC-SHA256(secret, tenantId + "\n" + personId)}</c>.
/// A keyed hash, not a plain one, so that a log reader cannot test guesses of an externalId.
/// The secret must stay the same for the life of the data: changing it orphans every person's history.
/// </summary>
public sealed class PersonKeys(string secret)
{
    private readonly byte[] _secret = Encoding.UTF8.GetBytes(secret);

    /// <summary>The grain key of <paramref name="personId"/> in <paramref name="tenantId"/>.</summary>
    public string For(string tenantId, string personId)
    {
        var mac = HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(tenantId + "\n" + personId));
        return tenantId + "/" + Convert.ToHexStringLower(mac.AsSpan(0, 16));
    }
}
