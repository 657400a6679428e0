using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Visualization;

/// <summary>
/// An [N, D] embedding matrix: its shape, the L2 norms of its rows (min / mean / max) and a 2-D PCA scatter
/// (<see cref="PcaProjection"/>, at most <c>maxPoints</c> evenly spaced rows) as inline SVG, one
/// <c>&lt;circle&gt;</c> per plotted row, coloured by label with a fixed categorical palette (labels in ascending order
/// take the palette's colours in turn) and a legend when there are at most <see cref="MaxLegendLabels"/> labels.
/// </summary>
public sealed class EmbeddingsView : IView
{
    private readonly string? _title;
    private readonly int _maxPoints;

    /// <summary>
    /// The view of <paramref name="rows"/> x <paramref name="columns"/> embeddings (row-major), coloured by
    /// <paramref name="labels"/> and with <paramref name="paths"/> as hover text when given.
    /// </summary>
    public EmbeddingsView(
        float[] data, int rows, int columns, IReadOnlyList<long>? labels = null, IReadOnlyList<string>? paths = null,
        string? title = "embeddings", int maxPoints = PcaProjection.DefaultMaxRows)
    {
        Check(data, rows, columns, labels, paths);
        (Data, Rows, Columns, Labels, Paths, _title, _maxPoints) = (data, rows, columns, labels, paths, title, maxPoints);
    }

    /// <summary>The view of a 2-D tensor (any device or floating type; copied to the CPU as float32).</summary>
    public EmbeddingsView(Tensor embeddings, IReadOnlyList<long>? labels = null, IReadOnlyList<string>? paths = null, string? title = "embeddings")
        : this(ToArray(embeddings), labels, paths, title)
    {
    }

    private EmbeddingsView((float[] Data, int Rows, int Columns) array, IReadOnlyList<long>? labels, IReadOnlyList<string>? paths, string? title)
        : this(array.Data, array.Rows, array.Columns, labels, paths, title)
    {
    }

    public float[] Data { get; }

    public int Rows { get; }

    public int Columns { get; }

    public IReadOnlyList<long>? Labels { get; }

    public IReadOnlyList<string>? Paths { get; }

    public string ToHtml() => Html(Data, Rows, Columns, Labels, Paths, _title, _maxPoints);

    public override string ToString() => Text(Data, Rows, Columns, Labels);


    public const int MaxLegendLabels = 20;
    public const int PlotSize = 360;
    public const string UnlabelledColor = "#1f77b4";

    internal static string Html(
        float[] data, int rows, int columns, IReadOnlyList<long>? labels = null, IReadOnlyList<string>? paths = null,
        string? title = "embeddings", int maxPoints = PcaProjection.DefaultMaxRows)
    {
        Check(data, rows, columns, labels, paths);
        var html = ViewHtml.OpenView(new StringBuilder(), "oml-embeddings", title);
        ViewHtml.KeyValueTable(html, Summary(data, rows, columns, labels));
        if (rows > 0)
        {
            var pca = PcaProjection.Compute(data, rows, columns, maxPoints);
            html.Append(Scatter(pca, labels, paths, rows));
        }
        html.Append("</div>\n");
        return html.ToString();
    }

    /// <summary>The same for a 2-D tensor (any device or floating type; copied to the CPU as float32).</summary>
    internal static string Html(
        Tensor embeddings, IReadOnlyList<long>? labels = null, IReadOnlyList<string>? paths = null,
        string? title = "embeddings", int maxPoints = PcaProjection.DefaultMaxRows)
    {
        var (data, rows, columns) = ToArray(embeddings);
        return Html(data, rows, columns, labels, paths, title, maxPoints);
    }

    internal static string Text(float[] data, int rows, int columns, IReadOnlyList<long>? labels = null)
    {
        Check(data, rows, columns, labels, null);
        var lines = Summary(data, rows, columns, labels).ToArray();
        var width = lines.Max(l => l.Name.Length);
        return string.Concat(lines.Select(l => $"{l.Name.PadRight(width)}  {l.Value}\n"));
    }

    internal static string Text(Tensor embeddings, IReadOnlyList<long>? labels = null)
    {
        var (data, rows, columns) = ToArray(embeddings);
        return Text(data, rows, columns, labels);
    }

    /// <summary>The colour of each label: labels in ascending order take the palette's colours in turn (repeating after 20).</summary>
    public static IReadOnlyDictionary<long, string> LabelColors(IEnumerable<long> labels) =>
        labels.Distinct().Order().Select((label, i) => (label, i)).ToDictionary(p => p.label, p => ViewHtml.Palette[p.i % ViewHtml.Palette.Length]);

    /// <summary>Row L2 norms: min, mean, max (NaN for an empty matrix).</summary>
    public static (double Min, double Mean, double Max) NormStatistics(float[] data, int rows, int columns)
    {
        Check(data, rows, columns, null, null);
        if (rows == 0) return (double.NaN, double.NaN, double.NaN);
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        for (var r = 0; r < rows; r++)
        {
            var row = data.AsSpan((int)((long)r * columns), columns);
            var squares = 0.0;
            foreach (var v in row) squares += (double)v * v;
            var norm = Math.Sqrt(squares);
            min = Math.Min(min, norm);
            max = Math.Max(max, norm);
            sum += norm;
        }
        return (min, sum / rows, max);
    }

    private static IEnumerable<(string Name, string Value)> Summary(float[] data, int rows, int columns, IReadOnlyList<long>? labels)
    {
        yield return ("shape", $"[{rows}, {columns}]");
        var (min, mean, max) = NormStatistics(data, rows, columns);
        yield return ("L2 norm min / mean / max", $"{ViewHtml.Number(min, "0.0000")} / {ViewHtml.Number(mean, "0.0000")} / {ViewHtml.Number(max, "0.0000")}");
        var nonFinite = data.Count(v => !float.IsFinite(v));
        if (nonFinite > 0) yield return ("non-finite values", ViewHtml.Int(nonFinite));
        if (labels is not null) yield return ("labels", ViewHtml.Int(labels.Distinct().Count()));
    }

    private static string Scatter(PcaProjection pca, IReadOnlyList<long>? labels, IReadOnlyList<string>? paths, int rows)
    {
        var colors = labels is null ? null : LabelColors(pca.Rows.Select(r => labels[r]));
        var legend = colors is { Count: > 0 and <= MaxLegendLabels };
        const double margin = 10;
        var legendWidth = legend ? 120 : 0;
        var width = PlotSize + legendWidth;
        var height = PlotSize + 20;
        static (double Min, double Max) Range(IReadOnlyList<double> values) =>
            values.Count == 0 ? (0, 1) : (values.Min(), values.Max());
        var (xMin, xMax) = Range(pca.X);
        var (yMin, yMax) = Range(pca.Y);
        double Sx(double v) => xMax == xMin ? PlotSize / 2.0 : margin + (v - xMin) / (xMax - xMin) * (PlotSize - 2 * margin);
        double Sy(double v) => yMax == yMin ? 20 + PlotSize / 2.0 : 20 + PlotSize - margin - (v - yMin) / (yMax - yMin) * (PlotSize - 2 * margin);
        string C(double v) => ViewHtml.Coordinate(v);

        var svg = new StringBuilder();
        svg.Append("<svg class=\"oml-scatter\" width=\"").Append(width).Append("\" height=\"").Append(height).Append("\" viewBox=\"0 0 ").Append(width)
            .Append(' ').Append(height).Append("\" style=\"font-family:sans-serif;font-size:10px;background:#fff\" role=\"img\">\n");
        var caption = System.FormattableString.Invariant(
            $"PCA of {pca.Rows.Count} of {rows} rows: PC1 {pca.ExplainedVariance1:P1}, PC2 {pca.ExplainedVariance2:P1} of the variance");
        svg.Append("<text x=\"").Append(C(PlotSize / 2.0)).Append("\" y=\"13\" text-anchor=\"middle\">").Append(ViewHtml.Escape(caption)).Append("</text>\n");
        svg.Append("<rect x=\"0.5\" y=\"20.5\" width=\"").Append(PlotSize - 1).Append("\" height=\"").Append(PlotSize - 1).Append("\" fill=\"none\" stroke=\"#ccc\"/>\n");
        svg.Append("<g class=\"oml-points\" fill-opacity=\"0.8\">\n");
        for (var i = 0; i < pca.Rows.Count; i++)
        {
            var row = pca.Rows[i];
            var color = colors is null ? UnlabelledColor : colors[labels![row]];
            svg.Append("<circle cx=\"").Append(C(Sx(pca.X[i]))).Append("\" cy=\"").Append(C(Sy(pca.Y[i]))).Append("\" r=\"2.5\" fill=\"").Append(color).Append('"');
            if (labels is null && paths is null)
            {
                svg.Append("/>\n");
                continue;
            }
            var tip = new StringBuilder().Append('#').Append(row);
            if (labels is not null) tip.Append(" label ").Append(labels[row]);
            if (paths is not null) tip.Append(' ').Append(paths[row]);
            svg.Append("><title>").Append(ViewHtml.Escape(tip.ToString())).Append("</title></circle>\n");
        }
        svg.Append("</g>\n");
        if (legend)
        {
            var counts = pca.Rows.GroupBy(r => labels![r]).ToDictionary(g => g.Key, g => g.Count());
            var y = 30.0;
            foreach (var (label, color) in colors!.OrderBy(p => p.Key))
            {
                svg.Append("<circle cx=\"").Append(PlotSize + 10).Append("\" cy=\"").Append(C(y)).Append("\" r=\"4\" fill=\"").Append(color)
                    .Append("\"/><text class=\"oml-legend\" x=\"").Append(PlotSize + 18).Append("\" y=\"").Append(C(y + 3.5)).Append("\">")
                    .Append(ViewHtml.Escape(System.FormattableString.Invariant($"{label} ({counts[label]})"))).Append("</text>\n");
                y += 16;
            }
        }
        else if (colors is { Count: > MaxLegendLabels })
        {
            svg.Append("<text x=\"").Append(C(PlotSize / 2.0)).Append("\" y=\"").Append(height - 4).Append("\" text-anchor=\"middle\" fill=\"#666\">")
                .Append(ViewHtml.Escape($"{colors.Count} labels: colours repeat, no legend")).Append("</text>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static (float[] Data, int Rows, int Columns) ToArray(Tensor embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.dim() != 2) throw new ArgumentException($"embeddings must be a [N, D] matrix, got shape [{string.Join(", ", embeddings.shape)}]", nameof(embeddings));
        using var scope = NewDisposeScope();
        var cpu = embeddings.detach().to(ScalarType.Float32, CPU).contiguous();
        return (cpu.data<float>().ToArray(), (int)embeddings.shape[0], (int)embeddings.shape[1]);
    }

    private static void Check(float[] data, int rows, int columns, IReadOnlyList<long>? labels, IReadOnlyList<string>? paths)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (rows < 0 || columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), $"shape [{rows}, {columns}] is not a matrix");
        if ((long)rows * columns != data.Length)
            throw new ArgumentException($"data has {data.Length} values, but shape [{rows}, {columns}] needs {(long)rows * columns}", nameof(data));
        if (labels is not null && labels.Count != rows) throw new ArgumentException($"{labels.Count} labels for {rows} rows", nameof(labels));
        if (paths is not null && paths.Count != rows) throw new ArgumentException($"{paths.Count} paths for {rows} rows", nameof(paths));
    }
}
