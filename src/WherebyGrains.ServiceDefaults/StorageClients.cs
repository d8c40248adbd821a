using Azure.Core;
using Azure.Data.Tables;

namespace WherebyGrains.ServiceDefaults;

/// <summary>How this service talks to Azure Table storage.</summary>
public static class StorageClients
{
    /// <summary>The table that holds grain state.</summary>
    public const string GrainStateTable = "WherebyGrainsState";

    /// <summary>The table that holds reminders.</summary>
    public const string RemindersTable = "WherebyGrainsReminders";

    /// <summary>
    /// For the acknowledgement path (journal, clustering, readiness). Whereby waits 5 s for an
    /// answer: fail a storage call fast and let Whereby's retry (after our 503) do the waiting,
    /// rather than retrying here past its timeout.
    /// </summary>
    public static TableServiceClient Tables(StorageOptions storage) => new(storage.ConnectionString, Options(storage.RequestTimeout));

    /// <summary>For what is written behind the journal (grain state, people's rows, reminders): <see cref="StorageOptions.StateRequestTimeout"/>.</summary>
    public static TableServiceClient StateTables(StorageOptions storage) => new(storage.ConnectionString, Options(storage.StateRequestTimeout));

    private static TableClientOptions Options(TimeSpan timeout)
    {
        var options = new TableClientOptions();
        options.Retry.Mode = RetryMode.Fixed;
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.NetworkTimeout = timeout;
        return options;
    }
}
