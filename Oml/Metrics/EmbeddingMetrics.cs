using Oml.Metrics.Functional;
using Oml.Postprocessing;
using Oml.Retrieval;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Metrics;

/// <summary>
/// OML's <c>EmbeddingMetrics</c>: collects the validation embeddings by dataset row (in any order, batches may
/// repeat rows), then retrieves with the streaming exact kNN (or the search of a <see cref="RetrievalMethod"/>) and
/// computes CMC, precision, MAP (and optionally MAP@R, R-precision) per query, PCF over all embeddings, FNMR@FMR
/// streaming — OVERALL and per category, under OML's flattened names. Queries without ground truth follow
/// <see cref="MetricArgs.NoGroundTruth"/> and are counted. With an approximate search, FNMR@FMR still comes from an
/// exact pass over all distances, and <see cref="RetrievalMethod.ReportRecall"/> adds
/// <c>OVERALL/retrieval_recall@k</c> (k: the largest k the metrics read).
/// </summary>
public sealed class EmbeddingMetrics
{
    private readonly RetrievalSetup _setup;
    private readonly MetricArgs _args;
    private readonly IReadOnlyList<string?>? _categories;
    private readonly KnnOptions? _knn;
    private readonly IRetrievalPostprocessor? _postprocessor;
    private readonly IRowImages? _images;
    private readonly RetrievalMethod _retrieval;
    private float[]? _storage;
    private bool[]? _filled;
    private int _dimension;

    /// <param name="categories">Category of each row (null entries allowed), or null without a category column.</param>
    /// <param name="postprocessor">Applied to the retrieval results before the retrieval metrics (FNMR@FMR and PCF
    /// use the raw distances and embeddings).</param>
    /// <param name="images">The images of the rows, for a postprocessor whose pairwise model compares images
    /// (<see cref="PostprocessingInputs.Images"/>); null when there are none (e.g. embeddings read from a file).</param>
    /// <param name="retrieval">The search and whether to report its recall; null: exact, no recall.</param>
    public EmbeddingMetrics(RetrievalSetup setup, MetricArgs args, IReadOnlyList<string?>? categories = null, KnnOptions? knn = null, IRetrievalPostprocessor? postprocessor = null,
        IRowImages? images = null, RetrievalMethod? retrieval = null)
    {
        if (categories is not null && categories.Count != setup.RowCount)
        {
            throw new ArgumentException($"categories has {categories.Count} entries for {setup.RowCount} rows");
        }
        Validate(args);
        _setup = setup;
        _args = args;
        _categories = categories;
        _knn = knn;
        _postprocessor = postprocessor;
        _images = images;
        _retrieval = retrieval ?? RetrievalMethod.Exact;
    }

    /// <summary>One call for embeddings that are all there already ([N, D], row i = row i of the setup).</summary>
    public static EmbeddingMetricsResult Compute(
        Tensor embeddings, RetrievalSetup setup, MetricArgs args, IReadOnlyList<string?>? categories = null, KnnOptions? knn = null, IRetrievalPostprocessor? postprocessor = null,
        IRowImages? images = null, RetrievalMethod? retrieval = null) =>
        new EmbeddingMetrics(setup, args, categories, knn, postprocessor, images, retrieval).Compute(embeddings);

    /// <summary>
    /// The metrics without and with <paramref name="postprocessor"/> from one retrieval: the same values as
    /// <see cref="Compute(Tensor, RetrievalSetup, MetricArgs, IReadOnlyList{string?}?, KnnOptions?, IRetrievalPostprocessor?, IRowImages?, RetrievalMethod?)"/>
    /// called once without and once with it, for the cost of one retrieval plus the postprocessor's own work.
    /// <c>Postprocessed</c> is null without a postprocessor.
    /// </summary>
    public static (EmbeddingMetricsResult Plain, EmbeddingMetricsResult? Postprocessed) ComputeWithAndWithout(
        Tensor embeddings, RetrievalSetup setup, MetricArgs args, IReadOnlyList<string?>? categories = null, KnnOptions? knn = null, IRetrievalPostprocessor? postprocessor = null,
        IRowImages? images = null, RetrievalMethod? retrieval = null) =>
        new EmbeddingMetrics(setup, args, categories, knn, postprocessor, images, retrieval).ComputeWithAndWithout(embeddings);

    /// <summary>Forgets collected embeddings (start of a validation epoch).</summary>
    public void Setup()
    {
        _storage = null;
        _filled = null;
    }

    /// <summary>Stores a batch of embeddings [B, D] at their dataset rows.</summary>
    public void Update(Tensor embeddings, IReadOnlyList<long> rows)
    {
        if (embeddings.dim() != 2 || embeddings.shape[0] != rows.Count)
        {
            throw new ArgumentException($"embeddings [{string.Join(", ", embeddings.shape)}] do not match {rows.Count} row indices");
        }
        var dimension = (int)embeddings.shape[1];
        if (_storage is null)
        {
            _dimension = dimension;
            _storage = new float[(long)_setup.RowCount * dimension];
            _filled = new bool[_setup.RowCount];
        }
        else if (dimension != _dimension)
        {
            throw new ArgumentException($"embeddings of width {dimension} after width {_dimension}");
        }
        using var cpu = embeddings.detach().to(ScalarType.Float32).cpu().contiguous();
        var values = cpu.data<float>().ToArray();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = checked((int)rows[i]);
            if (row < 0 || row >= _setup.RowCount) throw new ArgumentOutOfRangeException(nameof(rows), $"row {row} is outside 0..{_setup.RowCount - 1}");
            Array.Copy(values, (long)i * dimension, _storage, (long)row * dimension, dimension);
            _filled![row] = true;
        }
    }

    /// <summary>
    /// Computes the metrics of the collected embeddings (after the postprocessor when there is one); every row must
    /// have been updated.
    /// </summary>
    public EmbeddingMetricsResult Compute()
    {
        using var embeddings = Collected();
        return Compute(embeddings);
    }

    /// <summary>
    /// The metrics of the collected embeddings without and with the postprocessor, from one retrieval (see
    /// <see cref="ComputeWithAndWithout(Tensor, RetrievalSetup, MetricArgs, IReadOnlyList{string?}?, KnnOptions?, IRetrievalPostprocessor?, IRowImages?, RetrievalMethod?)"/>).
    /// </summary>
    public (EmbeddingMetricsResult Plain, EmbeddingMetricsResult? Postprocessed) ComputeWithAndWithout()
    {
        using var embeddings = Collected();
        return ComputeWithAndWithout(embeddings);
    }

    private Tensor Collected()
    {
        if (_storage is null || _filled!.Any(f => !f))
        {
            var missing = _filled?.Count(f => !f) ?? _setup.RowCount;
            throw new OmlException($"validation collected embeddings for {_setup.RowCount - missing} of {_setup.RowCount} rows; every row needs one (was a batch dropped, e.g. drop_last?)");
        }
        return tensor(_storage, [_setup.RowCount, _dimension]);
    }

    private EmbeddingMetricsResult Compute(Tensor embeddings)
    {
        var (plain, postprocessed) = Compute(embeddings, plainToo: false);
        return postprocessed ?? plain!;
    }

    private (EmbeddingMetricsResult Plain, EmbeddingMetricsResult? Postprocessed) ComputeWithAndWithout(Tensor embeddings)
    {
        var (plain, postprocessed) = Compute(embeddings, plainToo: true);
        return (plain!, postprocessed);
    }

    /// <summary>
    /// One retrieval of as many items as the metrics and the postprocessor need. The plain metrics read the first
    /// items the metrics alone would have retrieved (exact kNN lists are ordered by distance, then gallery position,
    /// so a shorter search returns exactly that prefix); the postprocessor gets the whole lists. FNMR@FMR and PCF
    /// depend on neither and are computed once. Without a postprocessor the plain metrics are always computed.
    /// </summary>
    private (EmbeddingMetricsResult? Plain, EmbeddingMetricsResult? Postprocessed) Compute(Tensor embeddings, bool plainToo)
    {
        var groundTruth = _setup.GroundTruth();
        var plainTopN = TopN(groundTruth, null);
        var topN = TopN(groundTruth, _postprocessor);
        var fnmr = _args.FmrValues.Count > 0
            ? new StreamingFnmrAtFmr(embeddings, _setup, groundTruth, _args.Distance, _args.FmrValues)
            : null;
        var exact = _retrieval.IsExact;
        var retrieval = EmbeddingRetrieval.Run(embeddings, _setup, topN, _args.Distance, _knn, exact ? fnmr : null, groundTruth, _retrieval.Search);
        var recall = _retrieval.ReportRecall ? 1.0 : (double?)null;
        if (!exact && (_retrieval.ReportRecall || fnmr is not null))
        {
            // one exact pass: the exact lists for the recall, every distance for FNMR@FMR (which an index never sees)
            var exactRetrieval = EmbeddingRetrieval.Run(embeddings, _setup, _retrieval.ReportRecall ? plainTopN : 1, _args.Distance, _knn, fnmr, groundTruth);
            if (_retrieval.ReportRecall) recall = RetrievalRecall.AtK(retrieval.Retrieved, exactRetrieval.Retrieved, plainTopN);
        }
        if (fnmr is not null) CompleteFnmr(fnmr, embeddings);
        var overall = new Dictionary<string, double>(StringComparer.Ordinal);
        var fnmrValues = fnmr?.Results();
        for (var i = 0; i < (fnmrValues?.Count ?? 0); i++) overall[MetricNames.Of(MetricNames.Overall, MetricNames.FnmrAtFmr, _args.FmrValues[i])] = fnmrValues![i];
        if (recall is { } r) overall[MetricNames.RetrievalRecallAt(plainTopN)] = r;
        var pcf = new Dictionary<string, double[]>(StringComparer.Ordinal);

        var plain = _postprocessor is null || plainToo
            ? Metrics(FirstItems(retrieval, plainTopN), embeddings, overall, pcf)
            : null;
        var postprocessed = _postprocessor is null
            ? null
            : Metrics(_postprocessor.Process(retrieval, new PostprocessingInputs(embeddings, _images)), embeddings, overall, pcf);
        return (plain, postprocessed);
    }

    /// <param name="overallOnly">OVERALL values computed outside the retrieval lists (FNMR@FMR, the search's recall).</param>
    /// <param name="pcf">PCF values per category, filled by the first call and reused by the second.</param>
    private EmbeddingMetricsResult Metrics(RetrievalResults retrieval, Tensor embeddings, IReadOnlyDictionary<string, double> overallOnly, Dictionary<string, double[]> pcf)
    {
        var queryCategories = _setup.QueryRows.Select(r => _categories?[r]).ToArray();
        var perQuery = PerQueryValues(retrieval);
        var all = new Dictionary<string, double>();
        var categories = _categories is null
            ? []
            : queryCategories.OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

        AddCategory(all, MetricNames.Overall, perQuery, _ => true, null, embeddings, pcf);
        foreach (var category in categories)
        {
            var rows = Enumerable.Range(0, _setup.RowCount).Where(r => _categories![r] == category).ToArray();
            AddCategory(all, category, perQuery, q => queryCategories[q] == category, rows, embeddings, pcf);
        }
        foreach (var (name, value) in overallOnly) all[name] = value;

        var returned = _args.ReturnOnlyOverallCategory
            ? all.Where(p => p.Key.StartsWith(MetricNames.Overall + "/", StringComparison.Ordinal)).ToDictionary()
            : all;
        return new EmbeddingMetricsResult(returned, all, perQuery, queryCategories, retrieval, MetricsToVisualize(all.Keys));
    }

    /// <summary>The first <paramref name="n"/> items of every query's list: what a search for <paramref name="n"/> items returns.</summary>
    private static RetrievalResults FirstItems(RetrievalResults retrieval, int n)
    {
        if (retrieval.Retrieved.All(r => r.Length <= n)) return retrieval;
        return retrieval.WithRetrieved(
            retrieval.Retrieved.Select(r => r.Length <= n ? r : r[..n]).ToArray(),
            retrieval.Distances.Select(d => d.Length <= n ? d : d[..n]).ToArray());
    }

    private int TopN(int[][] groundTruth, IRetrievalPostprocessor? postprocessor)
    {
        var n = _args.CmcTopK.Concat(_args.PrecisionTopK).Concat(_args.MapTopK).DefaultIfEmpty(1).Max();
        if (_args.MapAtR || _args.RPrecision) n = Math.Max(n, groundTruth.Select(g => g.Length).DefaultIfEmpty(0).Max());
        if (postprocessor is not null) n = Math.Max(n, postprocessor.TopN ?? int.MaxValue);
        return Math.Max(1, Math.Min(n, Math.Max(_setup.GalleryRows.Length, 1)));
    }

    private void CompleteFnmr(StreamingFnmrAtFmr fnmr, Tensor embeddings)
    {
        while (!fnmr.CompletePass())
        {
            using var scope = NewDisposeScope();
            var queries = EmbeddingRetrieval.Rows(embeddings, _setup.QueryRows);
            var gallery = EmbeddingRetrieval.Rows(embeddings, _setup.GalleryRows);
            ExactKnn.Search(queries, gallery, 1, _args.Distance, _setup.Exclusions, _knn, fnmr);
        }
    }

    /// <summary>OVERALL name -> per-query values; NaN for queries the policy leaves out.</summary>
    private Dictionary<string, double[]> PerQueryValues(RetrievalResults retrieval)
    {
        var metrics = new List<(string Name, Func<bool[], int, double> Value)>();
        foreach (var k in _args.CmcTopK) metrics.Add((MetricNames.Of(MetricNames.Overall, MetricNames.Cmc, k), (h, n) => RetrievalMetricFunctions.Cmc(h, n, k)));
        foreach (var k in _args.PrecisionTopK) metrics.Add((MetricNames.Of(MetricNames.Overall, MetricNames.Precision, k), (h, n) => RetrievalMetricFunctions.Precision(h, n, k)));
        foreach (var k in _args.MapTopK) metrics.Add((MetricNames.Of(MetricNames.Overall, MetricNames.Map, k), (h, n) => RetrievalMetricFunctions.Map(h, n, k)));
        if (_args.MapAtR) metrics.Add((MetricNames.Of(MetricNames.Overall, MetricNames.MapAtR), (h, n) => RetrievalMetricFunctions.MapAtR(h, n)));
        if (_args.RPrecision) metrics.Add((MetricNames.Of(MetricNames.Overall, MetricNames.RPrecision), (h, n) => RetrievalMetricFunctions.RPrecision(h, n)));

        var columns = metrics.Select(_ => new double[retrieval.QueryCount]).ToArray();
        var withoutGroundTruth = _args.NoGroundTruth == NoGroundTruthPolicy.Zero ? 0 : double.NaN;
        Parallel.For(0, retrieval.QueryCount, q =>
        {
            var groundTruthCount = retrieval.GroundTruth[q].Length;
            var hits = retrieval.Hits(q);
            for (var m = 0; m < metrics.Count; m++)
            {
                columns[m][q] = groundTruthCount > 0 ? metrics[m].Value(hits, groundTruthCount) : withoutGroundTruth;
            }
        });
        var result = new Dictionary<string, double[]>(metrics.Count);
        for (var m = 0; m < metrics.Count; m++) result.Add(metrics[m].Name, columns[m]);
        return result;
    }

    /// <param name="rows">The category's rows; null for all rows.</param>
    private void AddCategory(
        Dictionary<string, double> output, string category, Dictionary<string, double[]> perQuery, Func<int, bool> inCategory, int[]? rows, Tensor embeddings,
        Dictionary<string, double[]> pcfByCategory)
    {
        foreach (var (overallName, values) in perQuery)
        {
            var selected = Enumerable.Range(0, values.Length).Where(inCategory).Select(q => values[q]).Where(v => !double.IsNaN(v)).ToArray();
            var name = category + overallName[MetricNames.Overall.Length..];
            output[name] = selected.Length == 0 ? double.NaN : selected.Average();
        }
        if (_args.PcfVariance.Count > 0)
        {
            if (!pcfByCategory.TryGetValue(category, out var pcf))
            {
                using var scope = NewDisposeScope();
                // all rows (OVERALL) of contiguous embeddings: the embeddings themselves, not a copy (the copy would be laid out the same)
                var selected = rows is null && embeddings.is_contiguous()
                    ? embeddings
                    : embeddings.index_select(0, tensor((rows ?? Enumerable.Range(0, _setup.RowCount).ToArray()).Select(r => (long)r).ToArray()));
                pcf = PcfFunctions.Pcf(selected, _args.PcfVariance);
                pcfByCategory[category] = pcf;
            }
            for (var i = 0; i < pcf.Length; i++) output[MetricNames.Of(category, MetricNames.Pcf, _args.PcfVariance[i])] = pcf[i];
        }
    }

    private IReadOnlyList<string> MetricsToVisualize(IEnumerable<string> names)
    {
        var ignored = new HashSet<string>([MetricNames.FnmrAtFmr, MetricNames.Pcf, .. _args.MetricsToExcludeFromVisualization], StringComparer.Ordinal);
        return names
            .Where(n => !n.Split('/').Any(ignored.Contains) && !MetricNames.IsRetrievalRecall(n))
            .Where(n => !_args.VisualizeOnlyOverallCategory || n.StartsWith(MetricNames.Overall + "/", StringComparison.Ordinal))
            .ToArray();
    }

    private static void Validate(MetricArgs args)
    {
        // an empty list switches that metric off
        if (args.CmcTopK.Count > 0) RetrievalMetricFunctions.ValidateTopK(args.CmcTopK, "metric_args.cmc_top_k");
        if (args.PrecisionTopK.Count > 0) RetrievalMetricFunctions.ValidateTopK(args.PrecisionTopK, "metric_args.precision_top_k");
        if (args.MapTopK.Count > 0) RetrievalMetricFunctions.ValidateTopK(args.MapTopK, "metric_args.map_top_k");
        if (args.FmrValues.Count > 0) FnmrFunctions.ValidateFmrValues(args.FmrValues);
        if (args.PcfVariance.Count > 0) PcfFunctions.ValidateVarianceFractions(args.PcfVariance);
    }
}
