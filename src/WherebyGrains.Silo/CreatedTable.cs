using Azure.Data.Tables;

namespace WherebyGrains.Silo;

/// <summary>A table client whose table is created on first use (and again after a failed attempt).</summary>
public sealed class CreatedTable(TableClient client)
{
    private Task? _created;

    /// <summary>The client, once its table exists.</summary>
    public async Task<TableClient> GetAsync(CancellationToken cancellationToken = default)
    {
        var created = _created;
        if (created is null || created.IsFaulted || created.IsCanceled)
        {
            _created = created = client.CreateIfNotExistsAsync(cancellationToken);
        }
        await created;
        return client;
    }
}
