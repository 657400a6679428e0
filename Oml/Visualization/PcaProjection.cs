namespace Oml.Visualization;

/// <summary>
/// A deterministic 2-D PCA of the rows of an [N, D] matrix, for scatter plots. At most <c>maxRows</c> rows are used,
/// evenly spaced (rows <c>i * N / maxRows</c>), so the same matrix always gives the same picture. The two leading
/// principal directions are found by subspace iteration on the centred sample (never forming the D x D covariance),
/// with a fixed start and the sign fixed so that the largest entry of each direction is positive.
/// </summary>
public sealed record PcaProjection(
    IReadOnlyList<int> Rows,
    IReadOnlyList<double> X,
    IReadOnlyList<double> Y,
    double ExplainedVariance1,
    double ExplainedVariance2)
{
    public const int DefaultMaxRows = 5000;

    /// <summary>The rows used: all of them, or <paramref name="maxRows"/> evenly spaced ones.</summary>
    public static int[] SampleRows(int rows, int maxRows)
    {
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "rows must be 0 or more");
        if (maxRows < 1) throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, "maxRows must be positive");
        return rows <= maxRows
            ? Enumerable.Range(0, rows).ToArray()
            : Enumerable.Range(0, maxRows).Select(i => (int)((long)i * rows / maxRows)).ToArray();
    }

    public static PcaProjection Compute(float[] data, int rows, int columns, int maxRows = DefaultMaxRows)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (rows < 0 || columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), $"shape [{rows}, {columns}] is not a matrix");
        if ((long)rows * columns != data.Length)
            throw new ArgumentException($"data has {data.Length} values, but shape [{rows}, {columns}] needs {(long)rows * columns}", nameof(data));
        var sample = SampleRows(rows, maxRows);
        var n = sample.Length;
        // centred sample in doubles; non-finite values count as the column mean (0 after centring)
        var mean = new double[columns];
        var counts = new int[columns];
        foreach (var r in sample)
            for (var j = 0; j < columns; j++)
            {
                var v = data[(long)r * columns + j];
                if (!float.IsFinite(v)) continue;
                mean[j] += v;
                counts[j]++;
            }
        for (var j = 0; j < columns; j++) mean[j] = counts[j] == 0 ? 0 : mean[j] / counts[j];
        var x = new double[(long)n * columns];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < columns; j++)
            {
                var v = data[(long)sample[i] * columns + j];
                x[(long)i * columns + j] = float.IsFinite(v) ? v - mean[j] : 0;
            }
        var total = 0.0;
        foreach (var v in x) total += v * v;

        var k = Math.Min(2, columns);
        var basis = new double[k][];
        var state = 0x9E3779B97F4A7C15UL;
        for (var c = 0; c < k; c++)
        {
            basis[c] = new double[columns];
            for (var j = 0; j < columns; j++)
            {
                state = state * 6364136223846793005UL + 1442695040888963407UL;
                basis[c][j] = (state >> 11) / (double)(1UL << 53) - 0.5;
            }
        }
        Orthonormalise(basis);
        var scores = new double[k][];
        for (var c = 0; c < k; c++) scores[c] = new double[n];
        for (var iteration = 0; iteration < 200 && total > 0; iteration++)
        {
            var next = new double[k][];
            for (var c = 0; c < k; c++)
            {
                Multiply(x, n, columns, basis[c], scores[c]);
                next[c] = MultiplyTransposed(x, n, columns, scores[c]);
            }
            Orthonormalise(next);
            var change = 0.0;
            for (var c = 0; c < k; c++) change = Math.Max(change, 1 - Math.Abs(Dot(next[c], basis[c])));
            basis = next;
            if (change < 1e-12) break;
        }
        // Rayleigh-Ritz in the 2-D subspace, so the two directions are the eigenvectors (ordered by variance)
        if (k == 2 && total > 0)
        {
            for (var c = 0; c < k; c++) Multiply(x, n, columns, basis[c], scores[c]);
            double a = Dot(scores[0], scores[0]), b = Dot(scores[0], scores[1]), d = Dot(scores[1], scores[1]);
            var angle = 0.5 * Math.Atan2(2 * b, a - d);
            double cos = Math.Cos(angle), sin = Math.Sin(angle);
            var first = new double[columns];
            var second = new double[columns];
            for (var j = 0; j < columns; j++)
            {
                first[j] = cos * basis[0][j] + sin * basis[1][j];
                second[j] = -sin * basis[0][j] + cos * basis[1][j];
            }
            basis = [first, second];
        }
        for (var c = 0; c < k; c++)
        {
            var largest = 0;
            for (var j = 1; j < columns; j++) if (Math.Abs(basis[c][j]) > Math.Abs(basis[c][largest]) + 1e-12) largest = j;
            if (basis[c][largest] < 0) for (var j = 0; j < columns; j++) basis[c][j] = -basis[c][j];
            Multiply(x, n, columns, basis[c], scores[c]);
        }
        var explained = scores.Select(s => total > 0 ? Dot(s, s) / total : 0).ToArray();
        return new PcaProjection(sample, scores[0], k > 1 ? scores[1] : new double[n], explained[0], k > 1 ? explained[1] : 0);
    }

    private static void Multiply(double[] x, int n, int columns, double[] v, double[] result)
    {
        for (var i = 0; i < n; i++)
        {
            var row = x.AsSpan((int)((long)i * columns), columns);
            var sum = 0.0;
            for (var j = 0; j < columns; j++) sum += row[j] * v[j];
            result[i] = sum;
        }
    }

    private static double[] MultiplyTransposed(double[] x, int n, int columns, double[] s)
    {
        var result = new double[columns];
        for (var i = 0; i < n; i++)
        {
            var row = x.AsSpan((int)((long)i * columns), columns);
            var w = s[i];
            for (var j = 0; j < columns; j++) result[j] += row[j] * w;
        }
        return result;
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static void Orthonormalise(double[][] vectors)
    {
        for (var c = 0; c < vectors.Length; c++)
        {
            for (var p = 0; p < c; p++)
            {
                var dot = Dot(vectors[c], vectors[p]);
                for (var j = 0; j < vectors[c].Length; j++) vectors[c][j] -= dot * vectors[p][j];
            }
            var norm = Math.Sqrt(Dot(vectors[c], vectors[c]));
            if (norm < 1e-300)
            {
                // a rank-deficient sample: any unit vector orthogonal to the previous ones will do
                Array.Clear(vectors[c]);
                vectors[c][c % vectors[c].Length] = 1;
                for (var p = 0; p < c; p++)
                {
                    var dot = Dot(vectors[c], vectors[p]);
                    for (var j = 0; j < vectors[c].Length; j++) vectors[c][j] -= dot * vectors[p][j];
                }
                norm = Math.Sqrt(Dot(vectors[c], vectors[c]));
                if (norm < 1e-300) { vectors[c][(c + 1) % vectors[c].Length] = 1; norm = 1; }
            }
            for (var j = 0; j < vectors[c].Length; j++) vectors[c][j] /= norm;
        }
    }
}
