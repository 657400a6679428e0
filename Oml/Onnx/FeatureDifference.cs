namespace Oml.Onnx;

/// <summary>How far apart two sets of features are (pure functions on flat arrays).</summary>
public static class FeatureDifference
{
    /// <summary>max |a[i] − b[i]|; positive infinity when the lengths differ or any value is NaN or infinite.</summary>
    public static double MaxAbs(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) return double.PositiveInfinity;
        double largest = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var difference = Math.Abs((double)a[i] - b[i]);
            if (!double.IsFinite(difference)) return double.PositiveInfinity;
            largest = Math.Max(largest, difference);
        }
        return largest;
    }
}
