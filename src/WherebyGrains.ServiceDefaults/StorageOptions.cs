namespace WherebyGrains.ServiceDefaults;

/// <summary>The <c>WherebyGrains:Storage</c> section.</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "WherebyGrains:Storage";

    /// <summary>The Azurite development account, the default connection string.</summary>
    public const string AzuriteDevelopmentConnectionString = "UseDevelopmentStorage=true";

    /// <summary><see cref="StorageProvider.AzureTable"/> (default) or <see cref="StorageProvider.Memory"/>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.AzureTable;

    /// <summary>The Azure Storage connection string; default the Azurite development account.</summary>
    public string ConnectionString { get; set; } = AzuriteDevelopmentConnectionString;

    /// <summary>How long one storage request on the acknowledgement path (the journal) may take before it fails (and ingest answers 503).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long an event may wait for others before the journal writes it, when no write is under
    /// way, few events wait, and events come at least twice within it on average: at a moderate
    /// rate, a write per event or two would make the storage's requests follow the events. Under
    /// load, the write under way gathers the next batch; at a low rate, nothing would come: neither
    /// lingers. Zero writes at once.
    /// </summary>
    public TimeSpan JournalLinger { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long one grain-state or reminder request (rooms' and people's records, written behind
    /// the journal) may take. Off the acknowledgement path, so generous: a write that times out but went through
    /// leaves its grain with a stale ETag, and the grain must reload.
    /// </summary>
    public TimeSpan StateRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many grain-state writes one silo has in flight at most; the others wait their turn and
    /// gather more changes meanwhile. Storage that falls behind sees a queue, not a flood.
    /// </summary>
    public int MaxConcurrentStateWrites { get; set; } = 64;
}

/// <summary>Where grain state lives.</summary>
public enum StorageProvider
{
    /// <summary>Azure Table storage: durable.</summary>
    AzureTable,

    /// <summary>Memory only, for benchmarks: nothing survives a restart.</summary>
    Memory,
}
