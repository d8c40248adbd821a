using Azure.Data.Tables;

namespace WherebyGrains.Silo;

/// <summary>Query filters the silo's tables share.</summary>
internal static class TableFilters
{
    /// <summary>The rows of <paramref name="partition"/> whose keys begin with <paramref name="prefix"/> and an underscore ('`' follows '_').</summary>
    public static string RowsUnder(string partition, string prefix) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {prefix + "_"} and RowKey lt {prefix + "`"}");
}
