using System.Text.RegularExpressions;
using WherebyGrains.Testing;
using YamlDotNet.RepresentationModel;

namespace WherebyGrains.Silo.Tests;

/// <summary>
/// No Docker engine or Kubernetes cluster runs here: these check what can be checked without one.
/// Every file parses, the manifests probe the health endpoints and keep disruption budgets, and the
/// images run the very binaries the tests run.
/// </summary>
public sealed partial class DeployFilesTests
{
    private static string Deploy(params string[] parts) => Path.Combine([RepoPaths.Root, "deploy", .. parts]);

    private static List<YamlMappingNode> Documents(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    private static YamlNode? At(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }
            node = next;
        }
        return node;
    }

    public static TheoryData<string> YamlFiles() =>
        [.. Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "deploy"), "*.y*ml", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(RepoPaths.Root, f))];

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void Every_yaml_file_parses(string file)
    {
        Assert.NotEmpty(Documents(Path.Combine(RepoPaths.Root, file)));
    }

    [Fact]
    public void Compose_runs_the_whole_stack_with_the_dashboard_provisioned()
    {
        var compose = Documents(Deploy("compose", "compose.yaml")).Single();
        var services = (YamlMappingNode)At(compose, "services")!;
        Assert.Equal(
            ["azurite", "grafana", "otel-collector", "prometheus", "query-host", "silo-1", "silo-2"],
            services.Children.Keys.Select(k => k.ToString()).Order());
        var grafanaVolumes = ((YamlSequenceNode)At(services, "grafana", "volumes")!).Children.Select(v => v.ToString());
        Assert.Contains("../grafana:/var/lib/grafana/dashboards:ro", grafanaVolumes);
        Assert.True(File.Exists(Deploy("grafana", "wherebygrains-dashboard.json")));
    }

    [Fact]
    public void Kubernetes_manifests_probe_health_keep_budgets_and_take_config_from_the_environment()
    {
        var manifests = Directory.EnumerateFiles(Deploy("k8s"), "*.yaml").SelectMany(Documents).ToList();
        string Kind(YamlMappingNode m) => At(m, "kind")?.ToString() ?? "";
        string Name(YamlMappingNode m) => At(m, "metadata", "name")?.ToString() ?? "";

        var deployments = manifests.Where(m => Kind(m) == "Deployment").ToList();
        Assert.Equal(["wherebygrains-query-host", "wherebygrains-silo"], deployments.Select(Name).Order());
        foreach (var deployment in deployments)
        {
            var container = (YamlMappingNode)((YamlSequenceNode)At(deployment, "spec", "template", "spec", "containers")!).Children[0];
            Assert.Equal("/health/live", At(container, "livenessProbe", "httpGet", "path")?.ToString());
            Assert.Equal("/health/ready", At(container, "readinessProbe", "httpGet", "path")?.ToString());
            var envFrom = ((YamlSequenceNode)At(container, "envFrom")!).Children.Select(e => e.ToString()).ToList();
            Assert.Contains(envFrom, e => e.Contains("secretRef", StringComparison.Ordinal) && e.Contains("wherebygrains", StringComparison.Ordinal));
            Assert.Equal("true", At(deployment, "spec", "template", "spec", "securityContext", "runAsNonRoot")?.ToString());
            var selector = At(deployment, "spec", "selector", "matchLabels", "app")?.ToString();
            Assert.Contains(manifests, m => Kind(m) == "PodDisruptionBudget" && At(m, "spec", "selector", "matchLabels", "app")?.ToString() == selector);
        }
        Assert.Contains(manifests, m => Kind(m) == "Secret" && Name(m) == "wherebygrains");
        Assert.Contains(manifests, m => Kind(m) == "Role");
    }

    [Fact]
    public void The_image_is_multi_stage_non_root_and_runs_the_binaries_the_tests_run()
    {
        var dockerfile = File.ReadAllText(Deploy("docker", "Dockerfile"));
        var stages = Regex.Split(dockerfile, @"^FROM ", RegexOptions.Multiline).Skip(1).ToList();
        Assert.True(stages.Count >= 3, "a build stage and a runtime stage per host");
        Assert.All(stages.Skip(1), stage => Assert.Matches(@"(?m)^USER \$APP_UID", stage));

        var entrypoints = Entrypoint().Matches(dockerfile).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["WherebyGrains.Silo.dll", "WherebyGrains.QueryHost.dll"], entrypoints);

        // cluster.sh, which the failover tests run, starts the same two binaries the same way.
        var cluster = File.ReadAllText(Deploy("local", "cluster.sh"));
        foreach (var dll in entrypoints)
        {
            Assert.Contains($"dotnet {dll}", cluster);
            Assert.True(File.Exists(RepoPaths.Binary(Path.GetFileNameWithoutExtension(dll), dll)), $"{dll} is not built");
        }
    }

    [Fact]
    public void The_image_restores_with_every_project_the_hosts_reference()
    {
        // The restore layer copies project files one by one: a project missing there fails the image's build.
        var dockerfile = File.ReadAllText(Deploy("docker", "Dockerfile"));
        var src = Path.Combine(RepoPaths.Root, "src");
        var needed = new HashSet<string>(StringComparer.Ordinal);
        void Visit(string project)
        {
            if (!needed.Add(project))
            {
                return;
            }
            var csproj = File.ReadAllText(Path.Combine(src, project, project + ".csproj"));
            foreach (Match reference in Regex.Matches(csproj, @"ProjectReference Include=""\.\.\\([^\\]+)\\"))
            {
                Visit(reference.Groups[1].Value);
            }
        }
        Visit("WherebyGrains.Silo");
        Visit("WherebyGrains.QueryHost");
        Assert.Contains("WherebyGrains.Journal", needed);
        Assert.All(needed, project => Assert.Contains($"COPY src/{project}/{project}.csproj src/{project}/", dockerfile));
    }

    [GeneratedRegex(@"ENTRYPOINT \[""dotnet"", ""([^""]+)""\]")]
    private static partial Regex Entrypoint();
}
