namespace WherebyGrains.Api.Webhooks;

/// <summary>The result of checking a <c>Whereby-Signature</c> header.</summary>
public enum SignatureCheck
{
    /// <summary>A configured secret signed this body at an accepted time.</summary>
    Valid,

    /// <summary>No header, or an empty one.</summary>
    Missing,

    /// <summary>The header lacks a single plain-digit <c>t</c> or any <c>v1</c>.</summary>
    Malformed,

    /// <summary>The timestamp is further from now than the tolerance, in either direction.</summary>
    OutsideTolerance,

    /// <summary>No <c>v1</c> matches any configured secret.</summary>
    Mismatch,
}
