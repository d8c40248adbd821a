using WherebyGrains.ServiceDefaults;
using Azure.Data.Tables;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WherebyGrains.Silo;

/// <summary>
/// Ready means grain storage answers: without it no webhook can be acknowledged. Memory storage
/// is always reachable.
/// </summary>
internal sealed class GrainStorageHealthCheck(StorageOptions storage) : IHealthCheck
{
    private readonly TableServiceClient? _tables =
        storage.Provider == StorageProvider.AzureTable ? StorageClients.Tables(storage) : null;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_tables is null)
        {
            return HealthCheckResult.Healthy("Memory storage (nothing survives a restart).");
        }
        try
        {
            await _tables.GetTableClient(StorageClients.GrainStateTable).GetEntityIfExistsAsync<TableEntity>("health", "probe", cancellationToken: cancellationToken);
            return HealthCheckResult.Healthy("Grain storage answers.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("Grain storage does not answer.", e);
        }
    }
}
