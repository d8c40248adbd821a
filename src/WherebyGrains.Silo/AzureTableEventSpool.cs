using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using WherebyGrains.Api.Webhooks;
using WherebyGrains.Contracts;
using WherebyGrains.ServiceDefaults;

namespace WherebyGrains.Silo;

/// <summary>
/// The spool in an Azure Table: one row per event (partition = tenant, row = event id), so that
/// spooling the same event twice is one row.
/// </summary>
public sealed class AzureTableEventSpool(StorageOptions storage) : IEventSpool
{
    /// <summary>The spool's table.</summary>
    public const string Table = "WherebyGrainsSpool";

    private readonly TableClient _table = new TableServiceClient(storage.ConnectionString, StorageClients.TableOptions(storage)).GetTableClient(Table);
    private Task? _created;

    /// <inheritdoc />
    public async Task SpoolAsync(string tenantId, WherebyEvent evt, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var entity = new TableEntity(tenantId, evt.Id)
        {
            ["Event"] = JsonSerializer.SerializeToUtf8Bytes(evt, SpoolJsonContext.Default.WherebyEvent),
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Up to <paramref name="max"/> spooled events, with their tenant.</summary>
    public async Task<List<(string TenantId, WherebyEvent Event)>> PeekAsync(int max, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var events = new List<(string, WherebyEvent)>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(maxPerPage: max, cancellationToken: cancellationToken))
        {
            if (entity.GetBinary("Event") is { } json && JsonSerializer.Deserialize(json, SpoolJsonContext.Default.WherebyEvent) is { } evt)
            {
                events.Add((entity.PartitionKey, evt));
            }
            if (events.Count >= max)
            {
                break;
            }
        }
        return events;
    }

    /// <summary>Removes an applied event (already gone is fine: another silo drained it).</summary>
    public async Task RemoveAsync(string tenantId, string eventId, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(tenantId, eventId, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    private Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        var created = _created;
        if (created is null || created.IsFaulted || created.IsCanceled)
        {
            _created = created = _table.CreateIfNotExistsAsync(cancellationToken);
        }
        return created;
    }
}

/// <summary>Source-generated JSON for spooled events.</summary>
[JsonSerializable(typeof(WherebyEvent))]
internal sealed partial class SpoolJsonContext : JsonSerializerContext;
