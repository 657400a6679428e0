namespace Oml.Postprocessing;

/// <summary>Pure helpers shared by the re-rankers: ordering re-scored items and joining them with the untouched tail.</summary>
public static class RerankingFunctions
{
    /// <summary>float32 machine epsilon, 2^-23 (numpy / torch <c>finfo(float32).eps</c>; not <see cref="float.Epsilon"/>).</summary>
    public const float Float32Epsilon = 1.1920929e-7f;

    /// <summary>OML's margin below the tail when re-scored items are squeezed in front of it: 1000 * float32 epsilon.</summary>
    public const float JoinEpsilon = 1000 * Float32Epsilon;

    /// <summary>Positions of <paramref name="scores"/> in ascending order; equal scores keep their previous order.</summary>
    public static int[] StableAscendingOrder(ReadOnlySpan<float> scores)
    {
        var copy = scores.ToArray();
        var order = Enumerable.Range(0, copy.Length).ToArray();
        Array.Sort(order, (a, b) => copy[a] != copy[b] ? copy[a].CompareTo(copy[b]) : a.CompareTo(b));
        return order;
    }

    /// <summary>
    /// OML's <c>cat_two_sorted_tensors_and_keep_it_sorted</c> for one query: ascending re-scored <paramref name="top"/>
    /// followed by the ascending old <paramref name="tail"/>. If the top ends above the tail's start, the top is
    /// rescaled to end at <c>tail[0]</c> and shifted down by <paramref name="eps"/>:
    /// <c>top * (tail[0] / top[^1]) - eps</c> (float arithmetic, as OML's float32 tensors).
    /// </summary>
    public static float[] ConcatenateKeepingSorted(ReadOnlySpan<float> top, ReadOnlySpan<float> tail, float eps = JoinEpsilon)
    {
        var joined = new float[top.Length + tail.Length];
        top.CopyTo(joined);
        tail.CopyTo(joined.AsSpan(top.Length));
        if (top.Length > 0 && tail.Length > 0 && top[^1] > tail[0])
        {
            var scale = tail[0] / top[^1];
            for (var i = 0; i < top.Length; i++) joined[i] = top[i] * scale - eps;
        }
        return joined;
    }
}
