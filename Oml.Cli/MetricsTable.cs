using System.Globalization;

namespace Oml.Cli;

/// <summary>A metrics dictionary as a two- or three-column terminal table.</summary>
internal static class MetricsTable
{
    /// <param name="valueTitle">The heading of the metrics' column (with a comparison: what they are, e.g. "with k_reciprocal").</param>
    public static Table Create(IReadOnlyDictionary<string, double> metrics, string? title = null, IReadOnlyDictionary<string, double>? compareWith = null,
        string compareTitle = "without postprocessor", string valueTitle = "value")
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("metric");
        if (title is not null) table.Title(Markup.Escape(title));
        if (compareWith is not null) table.AddColumn(new TableColumn(Markup.Escape(compareTitle)).RightAligned());
        table.AddColumn(new TableColumn(Markup.Escape(valueTitle)).RightAligned());
        foreach (var (name, value) in metrics)
        {
            var cells = new List<string> { Markup.Escape(name) };
            if (compareWith is not null) cells.Add(Format(compareWith.GetValueOrDefault(name, double.NaN)));
            cells.Add(Format(value));
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    private static string Format(double value) => double.IsFinite(value) ? value.ToString("0.0000", CultureInfo.InvariantCulture) : "n/a";
}
