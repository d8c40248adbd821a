using System.Net;
using Orleans.Configuration;
using Orleans.Hosting;

namespace WherebyGrains.ServiceDefaults;

/// <summary>Clustering for silos and clients, from <see cref="ClusterSettings"/>.</summary>
public static class ClusterSetup
{
    /// <summary>The table that holds cluster membership.</summary>
    public const string MembershipTable = "WherebyGrainsCluster";

    /// <summary>Configures a silo's clustering and failure detection.</summary>
    public static ISiloBuilder UseWherebyGrainsClustering(this ISiloBuilder silo, ClusterSettings cluster, StorageOptions storage)
    {
        if (cluster.Clustering == ClusteringMode.Localhost)
        {
            return silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        }

        silo.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (cluster.ServiceId, cluster.ClusterId));
        silo.ConfigureEndpoints(AdvertisedAddress(cluster.AdvertisedIPAddress), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
        silo.UseAzureStorageClustering(o => o.TableServiceClient = StorageClients.Tables(storage));
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = cluster.ProbeTimeout;
            o.NumMissedProbesLimit = cluster.NumMissedProbesLimit;
            o.NumVotesForDeathDeclaration = cluster.NumVotesForDeathDeclaration;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        });
        return silo;
    }

    /// <summary>Configures a client's clustering (how it finds the silos' gateways).</summary>
    public static IClientBuilder UseWherebyGrainsClustering(this IClientBuilder client, ClusterSettings cluster, StorageOptions storage)
    {
        if (cluster.Clustering == ClusteringMode.Localhost)
        {
            return client.UseLocalhostClustering(cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        }
        client.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (cluster.ServiceId, cluster.ClusterId));
        client.UseAzureStorageClustering(o => o.TableServiceClient = StorageClients.Tables(storage));
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        return client;
    }

    /// <summary>The IP to advertise: as configured, or this host's first IPv4 address for <c>auto</c>.</summary>
    public static IPAddress AdvertisedAddress(string configured) =>
        configured.Equals("auto", StringComparison.OrdinalIgnoreCase)
            ? Dns.GetHostAddresses(Dns.GetHostName()).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            : IPAddress.Parse(configured);
}
