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
    /// Whereby waits 5 s for an answer: fail a storage call fast and let Whereby's retry (after
    /// our 503) do the waiting, rather than retrying here past its timeout.
    /// </summary>
    public static TableClientOptions TableOptions(StorageOptions storage) => TableOptions(storage.RequestTimeout);

    /// <summary>For grain state, written behind the journal: <see cref="StorageOptions.StateRequestTimeout"/>.</summary>
    public static TableClientOptions StateTableOptions(StorageOptions storage) => TableOptions(storage.StateRequestTimeout);

    private static TableClientOptions TableOptions(TimeSpan timeout)
    {
        var options = new TableClientOptions();
        options.Retry.Mode = RetryMode.Fixed;
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.NetworkTimeout = timeout;
        return options;
    }
}
