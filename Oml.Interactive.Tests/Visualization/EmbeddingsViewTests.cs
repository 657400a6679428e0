using System.Text.RegularExpressions;
using Oml.Visualization;
using static Oml.Tests.Visualization.ViewTestData;

namespace Oml.Tests.Visualization;

public sealed class EmbeddingsViewTests
{
    private static float[] Random(int rows, int columns, int seed)
    {
        var random = new System.Random(seed);
        return Enumerable.Range(0, rows * columns).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    [Fact]
    public void ScatterHasOneCirclePerRowInTheLabelColoursWithShapeAndNorms()
    {
        const int rows = 30, columns = 4;
        var data = new float[rows * columns];
        for (var r = 0; r < rows; r++) data[r * columns + r % columns] = r % 3 + 1; // norm of row r = r % 3 + 1
        var labels = Enumerable.Range(0, rows).Select(r => (long)(r % 3) * 10).ToArray();
        var paths = Enumerable.Range(0, rows).Select(r => $"img/<{r}>.png").ToArray();
        var html = EmbeddingsView.Html(data, rows, columns, labels, paths);

        Assert.Contains("[30, 4]", html);
        Assert.Contains("1.0000 / 2.0000 / 3.0000", html);
        var points = Regex.Match(html, "<g class=\"oml-points\"[^>]*>(.*?)</g>", RegexOptions.Singleline).Groups[1].Value;
        var circles = Regex.Matches(points, "<circle [^>]*fill=\"(#[0-9a-f]{6})\"");
        Assert.Equal(rows, circles.Count);
        var colours = EmbeddingsView.LabelColors(labels);
        Assert.Equal(["#1f77b4", "#ff7f0e", "#2ca02c"], new long[] { 0, 10, 20 }.Select(l => colours[l]));
        for (var r = 0; r < rows; r++) Assert.Equal(colours[labels[r]], circles[r].Groups[1].Value);
        Assert.Equal(3, Count(html, "class=\"oml-legend\""));
        Assert.Contains(">20 (10)</text>", html);
        Assert.Contains("img/&lt;7&gt;.png", html);
        Assert.DoesNotContain("<7>", html);
        AssertSelfContained(html);
        AssertInsideViewBoxes(html);

        var text = EmbeddingsView.Text(data, rows, columns, labels);
        Assert.Contains("[30, 4]", text);
        Assert.Contains("labels", text);
    }

    [Fact]
    public void ManyRowsAreSampledAndManyLabelsHaveNoLegend()
    {
        const int rows = 1000, columns = 8;
        var data = Random(rows, columns, 1);
        var labels = Enumerable.Range(0, rows).Select(r => (long)(r / 40)).ToArray(); // 25 labels, every one sampled
        var html = EmbeddingsView.Html(data, rows, columns, labels, maxPoints: 200);
        Assert.Equal(200, Count(html, "<circle cx="));
        Assert.Equal(0, Count(html, "class=\"oml-legend\""));
        Assert.Contains("25 labels: colours repeat, no legend", html);
        Assert.Contains("PCA of 200 of 1000 rows", html);
        Assert.Equal(html, EmbeddingsView.Html(data, rows, columns, labels, maxPoints: 200)); // deterministic
        Assert.Equal(Enumerable.Range(0, 4).Select(i => i * 250), PcaProjection.SampleRows(1000, 4));
    }

    [Fact]
    public void PcaOfAMatrixWithOneDominantDirectionPutsThePointsOnALine()
    {
        const int rows = 200, columns = 16;
        var direction = Enumerable.Range(0, columns).Select(j => (double)(j % 5 - 2)).ToArray();
        var norm = Math.Sqrt(direction.Sum(v => v * v));
        var noise = Random(rows, columns, 7);
        var data = new float[rows * columns];
        var t = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            t[r] = r - rows / 2.0;
            for (var j = 0; j < columns; j++) data[r * columns + j] = (float)(5 + t[r] * direction[j] / norm + 0.01 * noise[r * columns + j]);
        }
        var pca = PcaProjection.Compute(data, rows, columns);
        Assert.True(pca.ExplainedVariance1 > 0.9999, $"PC1 explains {pca.ExplainedVariance1}");
        var spreadX = pca.X.Max() - pca.X.Min();
        var spreadY = pca.Y.Max() - pca.Y.Min();
        Assert.True(spreadY < spreadX * 1e-3, $"second component spread {spreadY} vs {spreadX}");
        // the first component is the position along the line (up to sign)
        var correlation = Math.Abs(Correlation(pca.X.ToArray(), t));
        Assert.True(correlation > 0.99999, $"correlation {correlation}");
    }

    [Fact]
    public void PcaFindsTheTwoLeadingAxesInOrder()
    {
        const int rows = 300, columns = 5;
        var noise = Random(rows, columns, 3);
        var data = new float[rows * columns];
        for (var r = 0; r < rows; r++)
        {
            data[r * columns + 3] = 10 * noise[r * columns];      // largest variance on axis 3
            data[r * columns + 1] = 3 * noise[r * columns + 1];   // then axis 1
            data[r * columns + 0] = 0.1f * noise[r * columns + 2];
        }
        var pca = PcaProjection.Compute(data, rows, columns);
        Assert.True(Math.Abs(Correlation(pca.X.ToArray(), Enumerable.Range(0, rows).Select(r => (double)data[r * columns + 3]).ToArray())) > 0.9999);
        Assert.True(Math.Abs(Correlation(pca.Y.ToArray(), Enumerable.Range(0, rows).Select(r => (double)data[r * columns + 1]).ToArray())) > 0.999);
        Assert.True(pca.ExplainedVariance1 > pca.ExplainedVariance2);
    }

    [Fact]
    public void TensorOverloadMatchesTheArrayOne()
    {
        const int rows = 12, columns = 3;
        var data = Random(rows, columns, 5);
        using var embeddings = tensor(data, [rows, columns]);
        Assert.Equal(EmbeddingsView.Html(data, rows, columns), EmbeddingsView.Html(embeddings));
        Assert.Equal(EmbeddingsView.Text(data, rows, columns), EmbeddingsView.Text(embeddings));
        Assert.Throws<ArgumentException>(() => EmbeddingsView.Html(data, rows, columns, labels: [1, 2]));
        Assert.Throws<ArgumentException>(() => EmbeddingsView.Html(data, rows + 1, columns));
    }

    private static double Correlation(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average();
        double sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.Sqrt(saa * sbb);
    }
}
