namespace Oml.Images;

/// <summary>Per output pixel: the first input pixel, how many input pixels, and their normalised weights
/// (PIL's <c>precompute_coeffs</c>).</summary>
internal sealed class ResampleWeights
{
    private ResampleWeights(int[] start, int[] count, float[] values, int kernelSize)
    {
        Start = start;
        Count = count;
        Values = values;
        KernelSize = kernelSize;
    }

    public int[] Start { get; }

    public int[] Count { get; }

    /// <summary><c>[output * KernelSize + tap]</c>.</summary>
    public float[] Values { get; }

    public int KernelSize { get; }

    public static ResampleWeights Compute(int inputSize, double from, double to, int outputSize, ResampleFilter filter)
    {
        var (support0, kernel) = filter switch
        {
            ResampleFilter.Bilinear => (1.0, (Func<double, double>)Triangle),
            ResampleFilter.Bicubic => (2.0, Cubic),
            _ => throw new ArgumentOutOfRangeException(nameof(filter)),
        };
        var scale = (to - from) / outputSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = support0 * filterScale;
        var kernelSize = (int)Math.Ceiling(support) * 2 + 1;
        var start = new int[outputSize];
        var count = new int[outputSize];
        var values = new float[outputSize * kernelSize];
        var taps = new double[kernelSize];
        for (var o = 0; o < outputSize; o++)
        {
            var center = from + (o + 0.5) * scale;
            var min = Math.Max((int)(center - support + 0.5), 0);
            var max = Math.Min((int)(center + support + 0.5), inputSize) - min;
            var total = 0.0;
            for (var t = 0; t < max; t++)
            {
                taps[t] = kernel((t + min - center + 0.5) / filterScale);
                total += taps[t];
            }
            for (var t = 0; t < max; t++)
                values[o * kernelSize + t] = (float)(total != 0 ? taps[t] / total : taps[t]);
            start[o] = min;
            count[o] = max;
        }
        return new ResampleWeights(start, count, values, kernelSize);
    }

    private static double Triangle(double x)
    {
        x = Math.Abs(x);
        return x < 1 ? 1 - x : 0;
    }

    private static double Cubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }
}
