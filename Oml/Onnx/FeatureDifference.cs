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

    /// <summary>max |v|; positive infinity when any value is NaN or infinite.</summary>
    public static double LargestAbs(ReadOnlySpan<float> values)
    {
        double largest = 0;
        foreach (var v in values)
        {
            if (!float.IsFinite(v)) return double.PositiveInfinity;
            largest = Math.Max(largest, Math.Abs(v));
        }
        return largest;
    }

    /// <summary>
    /// The difference a check accepts: <paramref name="tolerance"/> for features up to 1 in magnitude, and relative to
    /// the largest beyond (float32 holds about 7 significant digits, whatever the scale: an untrained deep ResNet's
    /// features reach 1e6 and more).
    /// </summary>
    public static double Allowed(double tolerance, double largestFeature) => tolerance * Math.Max(1.0, largestFeature);
}
