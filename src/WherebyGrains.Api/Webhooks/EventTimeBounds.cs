namespace WherebyGrains.Api.Webhooks;

/// <summary>
/// The plausible range of a signed event's <c>createdAt</c>: a genuine event is never created after
/// it was signed (beyond clock skew, the signature's tolerance), nor long before.
/// </summary>
/// <param name="SignedAt">The signature's <c>t</c>.</param>
/// <param name="Tolerance">How much later than <paramref name="SignedAt"/> <c>createdAt</c> may be (the signature tolerance).</param>
/// <param name="MaxAge">How much earlier than <paramref name="SignedAt"/> <c>createdAt</c> may be.</param>
public readonly record struct EventTimeBounds(DateTimeOffset SignedAt, TimeSpan Tolerance, TimeSpan MaxAge)
{
    /// <summary>Why <paramref name="createdAt"/> is outside the bounds, or null when it is inside.</summary>
    public string? Check(DateTimeOffset createdAt)
    {
        // Differences of two instants always fit a TimeSpan: no arithmetic here can overflow.
        if (createdAt - SignedAt > Tolerance)
        {
            return $"'createdAt' is later than the signature's timestamp plus the tolerance ({Tolerance}): a genuine event is never created after it was signed.";
        }
        if (SignedAt - createdAt > MaxAge)
        {
            return $"'createdAt' is more than {MaxAge} (WherebyGrains:Webhooks:MaxEventAge) before the signature's timestamp.";
        }
        return null;
    }
}
