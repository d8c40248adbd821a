namespace WherebyGrains.Api.Tenants;

/// <summary>The tenant id rule of api.md: 1–64 chars of <c>[a-z0-9-]</c>.</summary>
public static class TenantId
{
    /// <summary>The longest valid tenant id.</summary>
    public const int MaxLength = 64;

    /// <summary>True when <paramref name="value"/> is a well-formed tenant id.</summary>
    public static bool IsValid(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > MaxLength)
        {
            return false;
        }
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return false;
            }
        }
        return true;
    }
}
