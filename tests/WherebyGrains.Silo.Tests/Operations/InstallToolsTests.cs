using System.Text.Json;
using WherebyGrains.Testing;

namespace WherebyGrains.Silo.Tests;

/// <summary>The Azurite pin is real: the installer installs the shipped lock file's tree, not whatever npm resolves today.</summary>
public sealed class InstallToolsTests
{
    [Fact]
    public void The_installer_installs_the_lock_files_tree_with_npm_ci()
    {
        var script = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy/local/install-tools.sh"));
        var commands = script.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("npm ", StringComparison.Ordinal)).ToList();

        var npm = Assert.Single(commands);
        Assert.StartsWith("npm ci ", npm);
        Assert.Contains("package-lock.json", script);
    }

    [Fact]
    public void The_lock_file_pins_the_version_package_json_names()
    {
        var folder = Path.Combine(RepoPaths.Root, "deploy/local/azurite");
        var wanted = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "package.json"))).RootElement.GetProperty("dependencies").GetProperty("azurite").GetString();
        var locked = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "package-lock.json"))).RootElement.GetProperty("packages");

        Assert.Equal(wanted, locked.GetProperty("").GetProperty("dependencies").GetProperty("azurite").GetString());
        Assert.Equal(wanted, locked.GetProperty("node_modules/azurite").GetProperty("version").GetString());
        Assert.StartsWith("sha512-", locked.GetProperty("node_modules/azurite").GetProperty("integrity").GetString());
    }
}
