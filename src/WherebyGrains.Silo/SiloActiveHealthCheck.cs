using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace WherebyGrains.Silo;

/// <summary>Ready needs this silo to be an active member of its cluster, and not shutting down.</summary>
internal sealed class SiloActiveHealthCheck(ILocalSiloDetails silo, IClusterMembershipService membership, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The silo is shutting down."));
        }
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("The silo is active.")
            : HealthCheckResult.Unhealthy($"The silo is {status}."));
    }
}
