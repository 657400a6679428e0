using System.Globalization;
using System.Text;
using Microsoft.Data.Analysis;
using Oml.Visualization;

namespace Oml.Analysis;

/// <summary>
/// A <see cref="DataFrame"/> as a readable table: the first <see cref="MaxRows"/> rows, floating-point values with 4
/// significant digits (0.8551, 6.78E-05: the frame keeps full precision, only the display rounds), nulls empty,
/// numbers right-aligned, and how many rows are left out. Static HTML, so every row shown is visible in exports.
/// </summary>
public sealed class DataFrameView : IView
{
    public const int DefaultMaxRows = 25;

    public DataFrameView(DataFrame frame, int maxRows = DefaultMaxRows, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (maxRows < 1) throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, "maxRows must be 1 or more");
        (Frame, MaxRows, Title) = (frame, maxRows, title);
    }

    public DataFrame Frame { get; }

    public int MaxRows { get; }

    public string? Title { get; }

    /// <summary>How a cell is shown: 4 significant digits for floating point, invariant culture, empty for null.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        double d => FormatFloat(d),
        float f => FormatFloat(f),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public string ToHtml()
    {
        var html = ViewHtml.OpenView(new StringBuilder(), "oml-dataframe", Title);
        ViewHtml.DataTable(html, Frame.Columns.Select(c => c.Name).ToArray(), Rows(), column => IsNumeric(Frame.Columns[column]));
        if (Frame.Rows.Count > MaxRows) html.Append("<div style=\"color:#555\">").Append(ViewHtml.Escape(More())).Append("</div>\n");
        return html.Append("</div>\n").ToString();
    }

    public override string ToString() =>
        (Title is null ? "" : Title + "\n") + ViewHtml.TextTable(Frame.Columns.Select(c => c.Name).ToArray(), Rows()) + (Frame.Rows.Count > MaxRows ? More() + "\n" : "");

    private IReadOnlyList<IReadOnlyList<string>> Rows()
    {
        var rows = new List<IReadOnlyList<string>>();
        for (long r = 0; r < Math.Min(Frame.Rows.Count, MaxRows); r++)
        {
            rows.Add(Frame.Columns.Select(c => Format(c[r])).ToArray());
        }
        return rows;
    }

    private string More() => string.Create(CultureInfo.InvariantCulture, $"{MaxRows} of {Frame.Rows.Count} rows shown; all of them: .Head(n), .Rows, or SaveCsv");

    private static bool IsNumeric(DataFrameColumn column) => column.DataType != typeof(string) && column.DataType != typeof(bool);

    private static string FormatFloat(double value) =>
        double.IsNaN(value) ? "NaN" : value == 0 || Math.Abs(value) >= 1e-4 && Math.Abs(value) < 1e6
            ? Math.Round(value, Math.Max(0, 3 - (int)Math.Floor(Math.Log10(Math.Abs(value == 0 ? 1 : value)))), MidpointRounding.AwayFromZero).ToString("0.##########", CultureInfo.InvariantCulture)
            : value.ToString("0.###E+00", CultureInfo.InvariantCulture);
}
