namespace WherebyGrains.Api.Webhooks.Lenient;

/// <summary>
/// The lenient reads of the parse running on this thread. System.Text.Json's converters get no
/// context of their own, and a parse is synchronous on one thread, so a thread-static suffices.
/// </summary>
internal static class LenientReads
{
    [ThreadStatic]
    private static LenientFields _current;

    /// <summary>Starts a parse: nothing read leniently yet.</summary>
    public static void Begin() => _current = LenientFields.None;

    /// <summary>What the parse read leniently.</summary>
    public static LenientFields End() => _current;

    /// <summary>Notes that <paramref name="field"/> was read leniently.</summary>
    public static void Note(LenientFields field) => _current |= field;
}
