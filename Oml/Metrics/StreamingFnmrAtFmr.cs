using System.Numerics;
using Oml.Metrics.Functional;
using Oml.Retrieval;
using static TorchSharp.torch;

namespace Oml.Metrics;

/// <summary>
/// OML's FNMR@FMR — <c>T = quantile(negative distances, fmr)</c> (linear interpolation, as numpy), then
/// <c>FNMR = mean(positive distances &gt;= T)</c> over all non-excluded query-gallery pairs — without storing the
/// Q x G negative distances. A random sample of negative pairs brackets each quantile; during the search this
/// observer counts the negatives below each bracket and keeps only those inside it, so the exact order statistics
/// are known at the end. Positives (ground-truth pairs) and excluded pairs are taken out by their exact values, read
/// from the same computed distances. If a bracket missed (rare), <see cref="NeedsAnotherPass"/> says so and the
/// caller runs the distance pass again with wider brackets. The result equals the exact definition.
/// </summary>
public sealed class StreamingFnmrAtFmr : IDistanceObserver
{
    private const int DefaultSampleSize = 4_000_000;
    private const long DefaultStoreEverythingBelow = 4_000_000;
    private const double DefaultZ = 4;

    private readonly IReadOnlyList<double> _fmrValues;
    private readonly int[][] _specialPositions;
    private readonly bool[][] _specialIsPositive;
    private readonly long _negativeCount;
    private readonly float[] _sample;
    private readonly double[] _z;
    private Bracket[] _brackets;
    private ThreadLocal<Accumulator> _accumulators;
    private readonly List<float> _positives = [];
    private bool _collectPositives = true;
    private readonly double?[] _thresholds;

    /// <param name="groundTruth">Per query, its ground-truth gallery positions (ascending), as in <see cref="RetrievalResults"/>.</param>
    public StreamingFnmrAtFmr(Tensor embeddings, RetrievalSetup setup, int[][] groundTruth, DistanceKind distance, IReadOnlyList<double> fmrValues, int seed = 0)
        : this(embeddings, setup, groundTruth, distance, fmrValues, seed, DefaultSampleSize, DefaultStoreEverythingBelow, DefaultZ)
    {
    }

    /// <summary>Tests shrink the sample and the bracket width to exercise brackets that hit and miss.</summary>
    internal StreamingFnmrAtFmr(
        Tensor embeddings, RetrievalSetup setup, int[][] groundTruth, DistanceKind distance, IReadOnlyList<double> fmrValues, int seed,
        int sampleSize, long storeEverythingBelow, double z)
    {
        if (fmrValues.Count == 0 || fmrValues.Any(f => f is < 0 or > 1 || double.IsNaN(f)))
        {
            throw new OmlException($"fmr_vals = [{string.Join(", ", fmrValues)}] is not valid: expected fractions in [0, 1]");
        }
        _fmrValues = fmrValues;
        _thresholds = new double?[fmrValues.Count];
        (_specialPositions, _specialIsPositive) = SpecialPositions(setup, groundTruth);
        _negativeCount = (long)setup.QueryRows.Length * setup.GalleryRows.Length - _specialPositions.Sum(s => (long)s.Length);
        _sample = _negativeCount <= storeEverythingBelow ? [] : SampleNegatives(embeddings, setup, distance, seed, sampleSize);
        _z = fmrValues.Select(_ => z).ToArray();
        _brackets = fmrValues.Select((_, i) => MakeBracket(i)).ToArray();
        _accumulators = NewAccumulators();
    }

    /// <summary>Number of negative (different label, not excluded) pairs.</summary>
    public long NegativeCount => _negativeCount;

    public int PositiveCount => _positives.Count;

    /// <summary>True when a quantile fell outside its bracket: run the distance pass again (brackets are widened).</summary>
    public bool NeedsAnotherPass { get; private set; }

    public void Observe(int query, int galleryStart, ReadOnlySpan<float> distances)
    {
        var acc = _accumulators.Value!;
        foreach (var bracket in _brackets)
        {
            if (bracket.Done) continue;
            acc.Below[bracket.Index] += CountBelowAndStore(distances, bracket, acc.Stored[bracket.Index]);
        }

        var specials = _specialPositions[query];
        var flags = _specialIsPositive[query];
        var first = LowerBound(specials, galleryStart);
        for (var s = first; s < specials.Length && specials[s] < galleryStart + distances.Length; s++)
        {
            var value = distances[specials[s] - galleryStart];
            if (_collectPositives && flags[s]) acc.Positives.Add(value);
            foreach (var bracket in _brackets)
            {
                if (bracket.Done) continue;
                if (value < bracket.Low) acc.Below[bracket.Index]--;
                else if (value <= bracket.High) acc.Removed[bracket.Index].Add(value);
            }
        }
    }

    /// <summary>
    /// Finishes a pass: fixes every quantile whose order statistics were captured. Returns true when all are known;
    /// otherwise widens the brackets that missed and <see cref="NeedsAnotherPass"/> is true.
    /// </summary>
    public bool CompletePass()
    {
        var accumulators = _accumulators.Values;
        if (_collectPositives)
        {
            foreach (var acc in accumulators) _positives.AddRange(acc.Positives);
            _positives.Sort();
            _collectPositives = false;
        }
        foreach (var bracket in _brackets.Where(b => !b.Done))
        {
            var i = bracket.Index;
            var below = accumulators.Sum(a => a.Below[i]);
            var (inside, count) = SortedWithout(accumulators.Select(a => a.Stored[i]), accumulators.SelectMany(a => a.Removed[i]));
            _thresholds[i] = TryQuantile(_fmrValues[i], below, inside.AsSpan(0, count));
        }
        _accumulators.Dispose();
        NeedsAnotherPass = _thresholds.Any(t => t is null) && _negativeCount > 0;
        if (NeedsAnotherPass)
        {
            for (var i = 0; i < _fmrValues.Count; i++)
            {
                if (_thresholds[i] is null) _z[i] *= 4;
            }
            _brackets = _fmrValues.Select((_, i) => _thresholds[i] is null ? MakeBracket(i) : new Bracket(i, 0, 0, Done: true)).ToArray();
            _accumulators = NewAccumulators();
        }
        return !NeedsAnotherPass;
    }

    /// <summary>FNMR at each FMR value (NaN when there are no positives or no negatives).</summary>
    public IReadOnlyList<double> Results()
    {
        if (NeedsAnotherPass || _collectPositives) throw new InvalidOperationException("the distance pass is not complete");
        return _thresholds.Select(t => t is null || double.IsNaN(t.Value) || _positives.Count == 0
            ? double.NaN
            : (double)(_positives.Count - LowerBound(_positives, t.Value)) / _positives.Count).ToArray();
    }

    /// <summary>The distance thresholds T (quantiles of the negatives), NaN without negatives.</summary>
    public IReadOnlyList<double> Thresholds => _thresholds.Select(t => t ?? double.NaN).ToArray();

    private double? TryQuantile(double fmr, long below, ReadOnlySpan<float> inside)
    {
        if (_negativeCount == 0) return double.NaN;
        var (lowerRank, fraction) = FnmrFunctions.QuantilePosition(_negativeCount, fmr);
        var upperRank = fraction == 0 ? lowerRank : lowerRank + 1;
        var lo = lowerRank - below;
        var hi = upperRank - below;
        if (lo < 0 || hi >= inside.Length) return null;
        return fraction == 0 ? inside[(int)lo] : FnmrFunctions.Interpolate(inside[(int)lo], inside[(int)hi], fraction);
    }

    /// <summary>Sample order statistics that hold quantile <paramref name="index"/> with z standard deviations to spare.</summary>
    private Bracket MakeBracket(int index)
    {
        if (_sample.Length == 0) return new Bracket(index, float.NegativeInfinity, float.PositiveInfinity, Done: false);
        var fmr = _fmrValues[index];
        var n = _sample.Length;
        var rank = fmr * (n - 1);
        var spread = _z[index] * Math.Sqrt(n * fmr * (1 - fmr)) + 2;
        var low = (long)Math.Floor(rank - spread);
        var high = (long)Math.Ceiling(rank + spread);
        return new Bracket(
            index,
            low < 0 ? float.NegativeInfinity : BitDecrement(_sample[low]),
            high >= n ? float.PositiveInfinity : BitIncrement(_sample[high]),
            Done: false);
    }

    private static float BitDecrement(float x) => MathF.BitDecrement(MathF.BitDecrement(x));

    private static float BitIncrement(float x) => MathF.BitIncrement(MathF.BitIncrement(x));

    private ThreadLocal<Accumulator> NewAccumulators() => new(() => new Accumulator(_fmrValues.Count), trackAllValues: true);

    private static int CountBelowAndStore(ReadOnlySpan<float> d, Bracket bracket, List<float> stored)
    {
        var width = Vector<float>.Count;
        var low = new Vector<float>(bracket.Low);
        var high = new Vector<float>(bracket.High);
        var belowLanes = Vector<int>.Zero;
        var j = 0;
        for (; j <= d.Length - width; j += width)
        {
            var v = new Vector<float>(d.Slice(j, width));
            belowLanes += Vector.LessThan(v, low); // -1 in every lane that is below
            var inside = Vector.BitwiseAnd(Vector.GreaterThanOrEqual(v, low), Vector.LessThanOrEqual(v, high));
            if (inside == Vector<int>.Zero) continue;
            for (var lane = 0; lane < width; lane++)
            {
                if (inside[lane] != 0) stored.Add(d[j + lane]);
            }
        }
        var below = -Vector.Sum(belowLanes);
        for (; j < d.Length; j++)
        {
            if (d[j] < bracket.Low) below++;
            else if (d[j] <= bracket.High) stored.Add(d[j]);
        }
        return below;
    }

    /// <summary>
    /// The values of every thread's list, sorted, without one occurrence of each removed value (positives and
    /// excluded pairs that fell inside the bracket). The lists are emptied as they are copied, to keep the peak low.
    /// </summary>
    private static (float[] Values, int Count) SortedWithout(IEnumerable<List<float>> lists, IEnumerable<float> remove)
    {
        var parts = lists.ToArray();
        var values = new float[parts.Sum(p => (long)p.Count)];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(values, at);
            at += part.Count;
            part.Clear();
            part.TrimExcess();
        }
        FloatRadixSort.Sort(values, values.Length);
        var removed = remove.ToArray();
        Array.Sort(removed);
        var kept = 0;
        var r = 0;
        foreach (var v in values)
        {
            while (r < removed.Length && removed[r] < v) r++;
            if (r < removed.Length && removed[r] == v)
            {
                r++;
                continue;
            }
            values[kept++] = v;
        }
        return (values, kept);
    }

    /// <summary>Index of the first element of ascending <paramref name="sorted"/> that is not below <paramref name="value"/>.</summary>
    private static int LowerBound<T>(IReadOnlyList<T> sorted, double value) where T : INumber<T>
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (double.CreateTruncating(sorted[mid]) < value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static (int[][] Positions, bool[][] IsPositive) SpecialPositions(RetrievalSetup setup, int[][] groundTruth)
    {
        var exclusions = setup.Exclusions;
        Dictionary<int, List<int>>? bySequence = null;
        if (exclusions.GallerySequence is { } gallerySequence)
        {
            bySequence = [];
            for (var g = 0; g < gallerySequence.Length; g++)
            {
                if (gallerySequence[g] < 0) continue;
                if (!bySequence.TryGetValue(gallerySequence[g], out var list)) bySequence[gallerySequence[g]] = list = [];
                list.Add(g);
            }
        }
        var positions = new int[groundTruth.Length][];
        var isPositive = new bool[groundTruth.Length][];
        for (var q = 0; q < groundTruth.Length; q++)
        {
            var excluded = new SortedSet<int>();
            if (exclusions.SelfPosition[q] >= 0) excluded.Add(exclusions.SelfPosition[q]);
            if (bySequence is not null && exclusions.QuerySequence![q] >= 0 && bySequence.TryGetValue(exclusions.QuerySequence[q], out var same))
            {
                excluded.UnionWith(same);
            }
            var all = groundTruth[q].Select(g => (g, true)).Concat(excluded.Select(g => (g, false))).OrderBy(p => p.Item1).ToArray();
            positions[q] = all.Select(p => p.Item1).ToArray();
            isPositive[q] = all.Select(p => p.Item2).ToArray();
        }
        return (positions, isPositive);
    }

    private static float[] SampleNegatives(Tensor embeddings, RetrievalSetup setup, DistanceKind distance, int seed, int sampleSize)
    {
        var rng = new Random(seed);
        var queryRows = new List<long>(sampleSize);
        var galleryRows = new List<long>(sampleSize);
        var attempts = 0L;
        while (queryRows.Count < sampleSize && attempts++ < 20L * sampleSize)
        {
            var q = rng.Next(setup.QueryRows.Length);
            var g = rng.Next(setup.GalleryRows.Length);
            if (setup.Exclusions.IsExcluded(q, g) || setup.Labels[setup.QueryRows[q]] == setup.Labels[setup.GalleryRows[g]]) continue;
            queryRows.Add(setup.QueryRows[q]);
            galleryRows.Add(setup.GalleryRows[g]);
        }
        var sample = new float[queryRows.Count];
        const int batch = 65536;
        using var scope = NewDisposeScope();
        var x = ExactKnn.Prepare(embeddings, distance);
        for (var start = 0; start < sample.Length; start += batch)
        {
            using var inner = NewDisposeScope();
            var count = Math.Min(batch, sample.Length - start);
            var a = x.index_select(0, tensor(queryRows.GetRange(start, count).ToArray()));
            var b = x.index_select(0, tensor(galleryRows.GetRange(start, count).ToArray()));
            var values = distance switch
            {
                DistanceKind.Euclidean => (a - b).square().sum(1).sqrt(),
                DistanceKind.SquaredEuclidean => (a - b).square().sum(1),
                _ => (1 - (a * b).sum(1)).clamp_min(0),
            };
            values.data<float>().CopyTo(sample, start);
        }
        Array.Sort(sample);
        return sample;
    }

    private sealed record Bracket(int Index, float Low, float High, bool Done);

    private sealed class Accumulator(int brackets)
    {
        public readonly long[] Below = new long[brackets];
        public readonly List<float>[] Stored = Enumerable.Range(0, brackets).Select(_ => new List<float>()).ToArray();
        public readonly List<float>[] Removed = Enumerable.Range(0, brackets).Select(_ => new List<float>()).ToArray();
        public readonly List<float> Positives = [];
    }
}
