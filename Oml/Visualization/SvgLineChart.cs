using System.Text;

namespace Oml.Visualization;

/// <summary>
/// A small line chart as one inline <c>&lt;svg&gt;</c> element (no script, no external resource): a title, axes with
/// a few "nice" ticks, one polyline (<c>&lt;path d="M.. L.."&gt;</c>) per series and a legend when there is more than
/// one series. Every coordinate stays inside the <c>viewBox</c> (0 0 <see cref="Width"/> <see cref="Height"/>);
/// non-finite points are skipped. Series with few points also get a dot per point.
/// </summary>
public sealed class SvgLineChart(string title, int width = 360, int height = 200)
{
    /// <summary>Series with at most this many points are drawn with a dot on every point.</summary>
    public const int MarkersUpTo = 40;

    private readonly List<SvgLineSeries> _series = [];

    public string Title { get; } = title ?? throw new ArgumentNullException(nameof(title));

    public int Width { get; } = width >= 120 ? width : throw new ArgumentOutOfRangeException(nameof(width), width, "width must be at least 120");

    public int Height { get; } = height >= 80 ? height : throw new ArgumentOutOfRangeException(nameof(height), height, "height must be at least 80");

    public string? XLabel { get; init; }

    public string? YLabel { get; init; }

    /// <summary>Shows only whole numbers on the x axis (epochs, steps).</summary>
    public bool IntegerX { get; init; } = true;

    public IReadOnlyList<SvgLineSeries> Series => _series;

    /// <summary>Adds a series; without a colour it takes the next colour of the categorical palette.</summary>
    public SvgLineChart Add(string name, IEnumerable<(double X, double Y)> points, string? color = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(points);
        _series.Add(new SvgLineSeries(name, points.ToArray(), color ?? ViewHtml.Palette[_series.Count % ViewHtml.Palette.Length]));
        return this;
    }

    /// <summary>The plot area inside the viewBox: left, top, right, bottom.</summary>
    public (double Left, double Top, double Right, double Bottom) PlotArea
    {
        get
        {
            var legendHeight = _series.Count > 1 ? 14.0 * ((_series.Count + 2) / 3) : 0;
            return (48, 22, Width - 10, Height - 24 - legendHeight - (XLabel is null ? 0 : 10));
        }
    }

    public string Svg()
    {
        var finite = _series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
        var (xMin, xMax) = Range(finite.Select(p => p.X), pad: false);
        var (yMin, yMax) = Range(finite.Select(p => p.Y), pad: true);
        var xTicks = Ticks(xMin, xMax, 5, IntegerX);
        var yTicks = Ticks(yMin, yMax, 5, integer: false);
        if (yTicks.Length > 0)
        {
            yMin = Math.Min(yMin, yTicks[0]);
            yMax = Math.Max(yMax, yTicks[^1]);
        }
        var (left, top, right, bottom) = PlotArea;
        double Sx(double x) => xMax == xMin ? (left + right) / 2 : left + (x - xMin) / (xMax - xMin) * (right - left);
        double Sy(double y) => yMax == yMin ? (top + bottom) / 2 : bottom - (y - yMin) / (yMax - yMin) * (bottom - top);
        string C(double v) => ViewHtml.Coordinate(v);

        var svg = new StringBuilder();
        svg.Append("<svg class=\"oml-chart\" width=\"").Append(Width).Append("\" height=\"").Append(Height)
            .Append("\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(Height)
            .Append("\" style=\"font-family:sans-serif;font-size:10px;background:#fff\" role=\"img\">\n");
        svg.Append("<title>").Append(ViewHtml.Escape(Title)).Append("</title>\n");
        svg.Append("<text x=\"").Append(C(Width / 2.0)).Append("\" y=\"14\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"bold\">")
            .Append(ViewHtml.Escape(Title)).Append("</text>\n");
        // axes and ticks
        svg.Append("<g stroke=\"#888\" stroke-width=\"1\" fill=\"none\"><path d=\"M").Append(C(left)).Append(',').Append(C(top))
            .Append(" L").Append(C(left)).Append(',').Append(C(bottom)).Append(" L").Append(C(right)).Append(',').Append(C(bottom)).Append("\"/></g>\n");
        svg.Append("<g fill=\"#444\">\n");
        foreach (var t in xTicks.Where(t => t >= xMin && t <= xMax))
        {
            svg.Append("<line x1=\"").Append(C(Sx(t))).Append("\" y1=\"").Append(C(bottom)).Append("\" x2=\"").Append(C(Sx(t))).Append("\" y2=\"")
                .Append(C(bottom + 3)).Append("\" stroke=\"#888\"/><text x=\"").Append(C(Sx(t))).Append("\" y=\"").Append(C(bottom + 13))
                .Append("\" text-anchor=\"middle\">").Append(ViewHtml.Escape(TickLabel(t))).Append("</text>\n");
        }
        foreach (var t in yTicks)
        {
            svg.Append("<line x1=\"").Append(C(left)).Append("\" y1=\"").Append(C(Sy(t))).Append("\" x2=\"").Append(C(right)).Append("\" y2=\"")
                .Append(C(Sy(t))).Append("\" stroke=\"#eee\"/><text x=\"").Append(C(left - 3)).Append("\" y=\"").Append(C(Sy(t) + 3))
                .Append("\" text-anchor=\"end\">").Append(ViewHtml.Escape(TickLabel(t))).Append("</text>\n");
        }
        if (XLabel is not null)
        {
            svg.Append("<text x=\"").Append(C((left + right) / 2)).Append("\" y=\"").Append(C(bottom + 23)).Append("\" text-anchor=\"middle\">")
                .Append(ViewHtml.Escape(XLabel)).Append("</text>\n");
        }
        if (YLabel is not null)
        {
            svg.Append("<text x=\"10\" y=\"").Append(C((top + bottom) / 2)).Append("\" text-anchor=\"middle\" transform=\"rotate(-90 10 ")
                .Append(C((top + bottom) / 2)).Append(")\">").Append(ViewHtml.Escape(YLabel)).Append("</text>\n");
        }
        svg.Append("</g>\n");
        if (finite.Length == 0)
        {
            svg.Append("<text x=\"").Append(C((left + right) / 2)).Append("\" y=\"").Append(C((top + bottom) / 2))
                .Append("\" text-anchor=\"middle\" fill=\"#888\">no data yet</text>\n");
        }
        // series
        foreach (var series in _series)
        {
            var points = series.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
            if (points.Length == 0) continue;
            var color = ViewHtml.Escape(series.Color);
            svg.Append("<path class=\"oml-series\" fill=\"none\" stroke=\"").Append(color).Append("\" stroke-width=\"1.5\" d=\"");
            for (var i = 0; i < points.Length; i++)
            {
                svg.Append(i == 0 ? "M" : " L").Append(C(Sx(points[i].X))).Append(',').Append(C(Sy(points[i].Y)));
            }
            svg.Append("\"><title>").Append(ViewHtml.Escape(series.Name)).Append("</title></path>\n");
            if (points.Length <= MarkersUpTo)
            {
                svg.Append("<g fill=\"").Append(color).Append("\">");
                foreach (var p in points)
                {
                    svg.Append("<circle cx=\"").Append(C(Sx(p.X))).Append("\" cy=\"").Append(C(Sy(p.Y))).Append("\" r=\"2\"><title>")
                        .Append(ViewHtml.Escape($"{series.Name}: {ViewHtml.Number(p.X)}, {ViewHtml.Number(p.Y)}")).Append("</title></circle>");
                }
                svg.Append("</g>\n");
            }
        }
        // legend
        if (_series.Count > 1)
        {
            var legendTop = bottom + 18 + (XLabel is null ? 0 : 10);
            var columnWidth = (Width - left) / 3.0;
            for (var i = 0; i < _series.Count; i++)
            {
                var x = left + columnWidth * (i % 3);
                var y = legendTop + 14 * (i / 3);
                svg.Append("<rect x=\"").Append(C(x)).Append("\" y=\"").Append(C(y)).Append("\" width=\"10\" height=\"3\" fill=\"")
                    .Append(ViewHtml.Escape(_series[i].Color)).Append("\"/><text x=\"").Append(C(x + 14)).Append("\" y=\"").Append(C(y + 4))
                    .Append("\">").Append(ViewHtml.Escape(Shorten(_series[i].Name, 22))).Append("</text>\n");
            }
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>
    /// At most <paramref name="maxPoints"/> points: consecutive points are grouped into equal buckets (in order) and each
    /// bucket becomes its mean point; non-finite points are dropped. Shorter inputs come back unchanged.
    /// </summary>
    public static IReadOnlyList<(double X, double Y)> Downsample(IReadOnlyList<(double X, double Y)> points, int maxPoints)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (maxPoints < 1) throw new ArgumentOutOfRangeException(nameof(maxPoints), maxPoints, "maxPoints must be positive");
        var finite = points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
        if (finite.Length <= maxPoints) return finite;
        var result = new (double X, double Y)[maxPoints];
        for (var b = 0; b < maxPoints; b++)
        {
            var start = (int)((long)b * finite.Length / maxPoints);
            var end = (int)((long)(b + 1) * finite.Length / maxPoints);
            double sx = 0, sy = 0;
            for (var i = start; i < end; i++)
            {
                sx += finite[i].X;
                sy += finite[i].Y;
            }
            result[b] = (sx / (end - start), sy / (end - start));
        }
        return result;
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static (double Min, double Max) Range(IEnumerable<double> values, bool pad)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        if (double.IsPositiveInfinity(min)) return (0, 1);
        if (min == max) return pad ? (min - Math.Max(Math.Abs(min) * 0.1, 0.5), max + Math.Max(Math.Abs(max) * 0.1, 0.5)) : (min, max);
        return (min, max);
    }

    /// <summary>Round tick values (1, 2, 5 x 10^k steps) covering [min, max].</summary>
    internal static double[] Ticks(double min, double max, int target, bool integer)
    {
        if (!(max > min)) return [min];
        var raw = (max - min) / Math.Max(1, target - 1);
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        if (integer) step = Math.Max(1, Math.Round(step));
        var first = Math.Floor(min / step) * step;
        var ticks = new List<double>();
        for (var t = first; t <= max + step * 1e-9 && ticks.Count < 20; t += step) ticks.Add(Math.Round(t / step) * step);
        if (ticks[^1] < max - step * 1e-9) ticks.Add(ticks[^1] + step);
        return ticks.ToArray();
    }

    private static string TickLabel(double value)
    {
        var abs = Math.Abs(value);
        if (abs != 0 && (abs >= 1e5 || abs < 1e-3)) return value.ToString("0.#e0", System.Globalization.CultureInfo.InvariantCulture);
        return ViewHtml.Number(value, "0.###");
    }
}
