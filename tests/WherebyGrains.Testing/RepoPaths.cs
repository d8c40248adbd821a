namespace WherebyGrains.Testing;

/// <summary>Finds the repository and the shared spec folder from a test's output directory.</summary>
public static class RepoPaths
{
    /// <summary>The folder holding <c>WherebyGrains.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary><c>../shared/spec</c> beside the repository, as laid out for development and CI.</summary>
    public static string SharedSpec => Path.GetFullPath(Path.Combine(Root, "..", "shared", "spec"));

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
