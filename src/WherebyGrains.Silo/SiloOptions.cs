namespace WherebyGrains.Silo;

/// <summary>The <c>WherebyGrains:Orleans</c> section: how this silo joins its cluster.</summary>
public sealed class SiloOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "WherebyGrains:Orleans";

    /// <summary>
    /// Identifies the deployment's data: grain state is partitioned by it, so it must stay the
    /// same across deployments and restarts.
    /// </summary>
    public string ServiceId { get; set; } = "wherebygrains";

    /// <summary>Identifies one cluster of silos.</summary>
    public string ClusterId { get; set; } = "wherebygrains";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port.</summary>
    public int GatewayPort { get; set; } = 30000;
}
