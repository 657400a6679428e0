using Microsoft.Data.Analysis;
using Oml.Analysis;
using Oml.Metrics;
using Oml.Pipelines;
using Oml.Postprocessing;
using Oml.Training;
using Oml.Views;
using static Oml.Tests.Visualization.ViewTestData;

namespace Oml.Tests.Views;

/// <summary>The README's "Results and views" block, line by line, on small real results, so the README stays true.</summary>
public sealed class ReadmeViewsExampleTests : TempDirectoryTest
{
    [Fact]
    public void The_readme_views_block_runs_as_written()
    {
        long[] labels = [0, 0, 1, 1, 2, 2, 3, 3];
        var frame = Frame(Dir, labels.Select((label, i) => (DatasetSplit.Validation, label, (string?)(i < 4 ? "shoes" : "bags"))).ToArray());
        using var scope = NewDisposeScope();
        var features = tensor(new float[] { 0, 0.1f, 1, 1.1f, 2, 0.04f, 5, 5.1f }, [8, 1]);
        var args = new MetricArgs { CmcTopK = [1, 5] };
        EmbeddingMetricsResult Compute(IRetrievalPostprocessor? p = null) =>
            EmbeddingMetrics.Compute(features, ValidationSet.Setup(frame), args, ValidationSet.Categories(frame), postprocessor: p);
        var plainResult = Compute();
        ValidationRunResult Validation(EmbeddingMetricsResult result, string? name) =>
            new(result, name is null ? null : plainResult, "metrics.json", [], 0.1, 0.1) { Frame = frame, PostprocessorName = name };
        var plain = Validation(plainResult, null);
        var val = Validation(Compute(new ConstantThresholding(0.05f)), "constant_thresholding");
        var reciprocal = Validation(Compute(new ConstantThresholding(0.5f)), "k_reciprocal");
        var pairwise = Validation(plainResult, "pairwise");
        using var run = new TrainRunResult
        {
            RunDirectory = Dir.Path, StopReason = TrainStopReason.Completed, EpochsCompleted = 1, MonitoredMetric = "OVERALL/cmc/1",
            BestMetric = plainResult.Metrics["OVERALL/cmc/1"],
            History = [new EpochRecord(0, 0.5, 1, 1e-3, plainResult.Metrics)], LastMetrics = plainResult.Metrics,
            StepLosses = [(1, 0.5)], LastValidation = plainResult, Frame = frame,
        };
        var emb = new PredictionRunResult(8, 1, "e.npy", "p.csv", "p.json", 0.1) { Embeddings = features.data<float>().ToArray(), Labels = labels };

        // --- the README's block, as written there ---
        var retrieval = run.Retrieval();                        // the last validation, query by query (OML 3.x's RetrievalResults)
        var worst = retrieval.Worst("OVERALL/map/5", n: 4);      // a grid: query, top results (green/red), ground truth
        retrieval.Worst("cmc/1", n: 3, category: "shoes");
        retrieval.Query(7, topN: 5);  retrieval.Queries([3, 5]);  retrieval.PerQuery("OVERALL/cmc/1");
        File.WriteAllText(Dir.File("worst.html"), worst.ToHtml());

        var fromEmbeddings = RetrievalReport.FromEmbeddings(features, frame);   // any [N_validation, D] embeddings
        val.BeforeAfter();                                        // queries a postprocessor fixed / broke, plain above post-processed
        plain.Compare(("k_reciprocal", reciprocal), ("pairwise", pairwise));    // N-way metric table
        frame.View(labelsPerSplit: 4);  run.View();  val.View(worst: 3);  emb.View();

        run.History.ToDataFrame();                               // Microsoft.Data.Analysis DataFrames: history (epochs from 1),
        val.Result.ToDataFrame(val.Frame).GroupBy("category").Mean("OVERALL/cmc/1");   // per query, per category,
        val.Result.CategoryMetricsDataFrame();  frame.ToDataFrame();                   // dataset rows
        // --- end of the block ---

        Assert.Equal([5, 4, 0, 1], worst.Queries);
        Assert.Contains("4 worst queries by OVERALL/map/5", File.ReadAllText(Dir.File("worst.html")));
        Assert.Equal(plainResult.Metrics["OVERALL/map/5"], fromEmbeddings.Result.Metrics["OVERALL/map/5"]);
        Assert.Equal([2, 3, 6, 7], val.BeforeAfter().Broken);   // each loses its only neighbour of the same label
        var compared = plain.Compare(("k_reciprocal", reciprocal), ("pairwise", pairwise)).ToString();
        Assert.Contains("k_reciprocal", compared);
        Assert.Contains("pairwise", compared);
        var grouped = plain.Result.ToDataFrame(plain.Frame).GroupBy("category").Mean("OVERALL/cmc/1");
        var byCategory = Enumerable.Range(0, (int)grouped.Rows.Count).ToDictionary(r => (string)grouped["category"][r], r => Convert.ToDouble(grouped["OVERALL/cmc/1"][r]));
        Assert.Equal(plainResult.AllMetrics["shoes/cmc/1"], byCategory["shoes"], 9);
        Assert.Equal(plainResult.AllMetrics["bags/cmc/1"], byCategory["bags"], 9);
    }
}
