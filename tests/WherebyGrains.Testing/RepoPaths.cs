namespace WherebyGrains.Testing;

/// <summary>Finds the repository and the shared spec folder from a test's output directory.</summary>
public static class RepoPaths
{
    /// <summary>The folder holding <c>WherebyGrains.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary><c>../shared/spec</c> beside the repository, as laid out for development and CI.</summary>
    public static string SharedSpec => Path.GetFullPath(Path.Combine(Root, "..", "shared", "spec"));

    /// <summary>The configuration the tests were built in (Debug or Release): their binaries' folder name.</summary>
    public static string BuildConfiguration { get; } =
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>A project's binary as the tests built it, e.g. <c>Binary("WherebyGrains.Silo", "WherebyGrains.Silo.dll")</c>: a host under <c>src/</c> or a tool under <c>tools/</c>.</summary>
    public static string Binary(string project, string file) =>
        Path.Combine(Root, Directory.Exists(Path.Combine(Root, "src", project)) ? "src" : "tools", project, "bin", BuildConfiguration, "net10.0", file);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WherebyGrains.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"WherebyGrains.sln not found above {AppContext.BaseDirectory}.");
    }
}
