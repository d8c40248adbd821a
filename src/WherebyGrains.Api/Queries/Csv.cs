using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace WherebyGrains.Api.Queries;

/// <summary>
/// Rows as RFC 4180 CSV: a header of the JSON field names, then one line per row, with fields
/// quoted when they hold a comma, quote or line break. Text that a spreadsheet would run as a
/// formula (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR) gets a leading <c>'</c>.
/// </summary>
public static class Csv
{
    /// <summary>The media type.</summary>
    public const string MediaType = "text/csv";

    /// <summary>Writes <paramref name="rows"/> using the JSON contract of <paramref name="type"/>.</summary>
    public static string Write<T>(IEnumerable<T> rows, JsonTypeInfo<T> type)
    {
        var columns = type.Properties.Select(p => p.Name).ToList();
        var csv = new StringBuilder();
        AppendLine(csv, columns);
        foreach (var row in rows)
        {
            using var json = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(row, type));
            AppendLine(csv, columns.Select(c => Field(json.RootElement.GetProperty(c))));
        }
        return csv.ToString();
    }

    private static string Field(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.String => Neutralise(value.GetString()!),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.GetRawText(),
        // Nested objects (numClientsByRoleName) as compact JSON: still one field.
        _ => Neutralise(value.GetRawText()),
    };

    private static string Neutralise(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    private static void AppendLine(StringBuilder csv, IEnumerable<string> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                csv.Append(',');
            }
            first = false;
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                csv.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                csv.Append(field);
            }
        }
        csv.Append("\r\n");
    }
}
