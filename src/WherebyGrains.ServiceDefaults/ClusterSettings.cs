namespace WherebyGrains.ServiceDefaults;

/// <summary>The <c>WherebyGrains:Orleans</c> section: how silos find each other and clients find silos.</summary>
public sealed class ClusterSettings
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

    /// <summary><see cref="ClusteringMode.Localhost"/> (one silo, the default) or <see cref="ClusteringMode.AzureTable"/>.</summary>
    public ClusteringMode Clustering { get; set; } = ClusteringMode.Localhost;

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos and clients reach this silo at: an IP, or <c>auto</c> for this
    /// host's first IPv4 address (containers). Default 127.0.0.1 (one machine).
    /// </summary>
    public string AdvertisedIPAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// True in Kubernetes: Orleans' Kubernetes hosting takes the pod's IP, name and the cluster ids
    /// from the environment, and removes pods of silos declared dead.
    /// </summary>
    public bool Kubernetes { get; set; }

    /// <summary>
    /// How long a membership probe may take. With <see cref="NumMissedProbesLimit"/> it sets how
    /// fast a crashed silo is declared dead: about 2 × 1 s, plus a membership table refresh.
    /// Orleans' defaults (5 s, 3 misses) would take 15 s or more, longer than Whereby retries.
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes before a silo suspects another.</summary>
    public int NumMissedProbesLimit { get; set; } = 2;

    /// <summary>Suspicions needed to declare a silo dead (1 lets the survivor of a two-silo cluster do it alone).</summary>
    public int NumVotesForDeathDeclaration { get; set; } = 1;
}

/// <summary>How silos form a cluster.</summary>
public enum ClusteringMode
{
    /// <summary>A single silo on this machine.</summary>
    Localhost,

    /// <summary>Membership in an Azure Table (the storage account of <c>WherebyGrains:Storage</c>).</summary>
    AzureTable,
}
