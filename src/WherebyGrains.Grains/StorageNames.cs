namespace WherebyGrains.Grains;

/// <summary>Names of the grain storage providers the grains use.</summary>
public static class StorageNames
{
    /// <summary>The grain state store (Azure Table, or memory for benchmarks).</summary>
    public const string Grains = "grains";
}
