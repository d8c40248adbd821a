using Microsoft.Extensions.Options;
using WherebyGrains.Api.Configuration;
using WherebyGrains.Api.Tenants;
using WherebyGrains.Attendance;
using WherebyGrains.Grains;

namespace WherebyGrains.Silo;

/// <summary>The rules' settings of each tenant, from configuration (read when a grain activates).</summary>
internal sealed class TenantAttendanceSettings(TenantDirectory tenants, IOptionsMonitor<WherebyGrainsOptions> options) : ITenantAttendanceSettings
{
    public AttendanceSettings For(string tenantId)
    {
        var current = options.CurrentValue;
        var keys = tenants.TryGet(tenantId, out var tenant) ? tenant.MetadataKeys : [];
        var metadata = keys.IsEmpty
            ? SignedMetadata.None
            : new SignedMetadata(keys, current.Metadata.MaxAge, current.Webhooks.SignatureTolerance);
        return new AttendanceSettings(current.Sessions.EndGrace, metadata)
        {
            AbandonAfter = current.Sessions.AbandonAfter,
            // Validated at start; a value that fails a later reload keeps the default rather than
            // failing the room's activation (an unknown tenant has no events to compute anyway).
            Identity = current.Tenants.TryGetValue(tenantId, out var configured) && configured.TryGetIdentity(out var identity) ? identity : PersonIdentity.ExternalId,
        };
    }
}
