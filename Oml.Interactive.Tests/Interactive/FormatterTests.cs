using System.Globalization;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Oml.Data.Sources;
using Oml.Interactive;
using Oml.IO;
using Oml.Metrics;
using Oml.Pipelines;
using Oml.Training;
using Oml.Visualization;
using static Oml.Tests.Visualization.ViewTestData;

namespace Oml.Tests.Interactive;

/// <summary>
/// The text/html and text/plain formatters the extension registers, on small real values: a generated mock dataset,
/// metrics computed on simple embeddings, a training result with history and a figure, a prediction with embeddings.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class FormatterTests : IDisposable
{
    private readonly CompositeKernel _kernel = KernelHost.Create();
    private readonly TempDirectory _directory = new();
    private readonly DatasetFrame _frame;
    private readonly EmbeddingMetricsResult _metrics;

    public FormatterTests()
    {
        Formatter.ResetToDefault();
        OmlKernelExtension.Load(_kernel);
        var root = _directory.File("mock");
        MockDatasetGenerator.Generate(root, new MockDatasetOptions { Classes = 6, PerClass = 4, Size = 32, Seed = 5 });
        _frame = DatasetFrame.Load(Path.Combine(root, "df.csv"));
        // 2-d embeddings: the label plus a small offset, so every query finds its own label first (cmc/1 = 1)
        var validation = _frame.Validation;
        var embeddings = validation.SelectMany((r, i) => new[] { r.Label * 10f + i % 4 * 0.01f, 1f }).ToArray();
        using var scope = NewDisposeScope();
        _metrics = EmbeddingMetrics.Compute(tensor(embeddings, [validation.Count, 2]), ValidationSet.Setup(_frame), new MetricArgs { CmcTopK = [1] });
    }

    private static (string Html, string Text) Format(object value)
    {
        var html = Formatter.ToDisplayString(value, HtmlFormatter.MimeType);
        var text = Formatter.ToDisplayString(value, PlainTextFormatter.MimeType);
        AssertSelfContained(html);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.NotEqual(value.GetType().FullName, text.Trim());
        Assert.NotEqual(value.GetType().Name, text.Trim());
        Assert.DoesNotContain("<", text, StringComparison.Ordinal);
        return (html, text);
    }

    [Fact]
    public void A_dataset_frame_shows_its_counts_and_thumbnails()
    {
        var (html, text) = Format(_frame);

        Assert.Contains("oml-dataset", html);
        Assert.Contains("rows and labels per split", html);
        Assert.Contains(">" + _frame.Rows.Count.ToString(CultureInfo.InvariantCulture) + "<", html);
        Assert.Contains(ImagePrefix, html);
        Assert.Contains(_frame.Source, text);
        Assert.DoesNotContain("top labels", text);   // a balanced mock set: every label has 4 images, nothing to rank
    }

    [Fact]
    public void Metrics_show_their_names_and_values()
    {
        Assert.Equal(1.0, _metrics.Metrics["OVERALL/cmc/1"], 6);
        var (html, text) = Format(_metrics);

        Assert.Contains("cmc/1", html);
        Assert.Contains("1.0000", html);
        Assert.Contains("cmc/1", text);
        Assert.Contains("1.0000", text);
    }

    [Fact]
    public void A_validation_result_shows_its_metrics()
    {
        var run = new ValidationRunResult(_metrics, null, _directory.File("metrics.json"), [], 0.1, 0.2);
        var (html, text) = Format(run);

        Assert.Contains("validation metrics", html);
        Assert.Contains("cmc/1", html);
        Assert.Contains("1.0000", html);
        Assert.Contains("cmc/1", text);
    }

    [Fact]
    public void A_training_run_whose_best_epoch_is_not_the_last_shows_both()
    {
        var best = new Dictionary<string, double> { ["OVERALL/cmc/1"] = 0.8125, ["OVERALL/map/5"] = 0.7 };
        var last = new Dictionary<string, double> { ["OVERALL/cmc/1"] = 0.625, ["OVERALL/map/5"] = 0.6 };
        using var result = new TrainRunResult
        {
            RunDirectory = _directory.File("run"),
            StopReason = TrainStopReason.Completed,
            EpochsCompleted = 3,
            MonitoredMetric = "OVERALL/cmc/1",
            BestMetric = 0.8125,
            History = [new EpochRecord(0, 0.5, 1.0, 1e-3, null), new EpochRecord(1, 0.4, 1.0, 1e-3, best), new EpochRecord(2, 0.3, 1.0, 1e-3, last)],
            LastMetrics = last,
        };
        var (html, text) = Format(result);

        Assert.Contains("best OVERALL/cmc/1 = 0.8125 at epoch 2", html);
        Assert.Contains("best: epoch 2", html);
        Assert.Contains("last: epoch 3", html);
        Assert.Contains("0.8125", html);
        Assert.Contains("0.6250", html);
        Assert.Contains("best: epoch 2", text);
        Assert.Contains("last: epoch 3", text);

        // the history alone is a table (epochs from 1, 4 significant digits), not a tree of anonymous rows
        var (history, historyText) = Format(result.History);
        Assert.Contains("training history", history);
        Assert.Contains(">OVERALL/cmc/1</th>", history);
        Assert.Contains(">0.8125</td>", history);
        Assert.DoesNotContain("dni-treeview", history);
        Assert.StartsWith("training history", historyText);
    }

    [Fact]
    public void A_training_run_shows_summary_history_charts_metrics_and_its_last_validations_worst_queries()
    {
        var metrics = new Dictionary<string, double> { ["OVERALL/cmc/1"] = 0.75 };
        using var result = new TrainRunResult
        {
            RunDirectory = _directory.File("run"),
            StopReason = TrainStopReason.Completed,
            EpochsCompleted = 2,
            MonitoredMetric = "OVERALL/cmc/1",
            BestMetric = 0.75,
            History = [new EpochRecord(1, 0.5, 1.0, 1e-3, new Dictionary<string, double> { ["OVERALL/cmc/1"] = 0.5 }), new EpochRecord(2, 0.25, 1.0, 1e-3, metrics)],
            LastMetrics = metrics,
            StepLosses = [(0, 0.6), (1, 0.5), (2, 0.4), (3, 0.3)],
            LastValidation = _metrics,
            Frame = _frame,
        };
        var (html, text) = Format(result);

        Assert.Contains("oml-training-run", html);
        Assert.Contains("2 epoch(s), Completed; best OVERALL/cmc/1 = 0.75 at epoch 3", html);
        Assert.Contains("loss per step", html);
        Assert.Contains("validation metrics, epoch 3 (best and last)", html);
        Assert.Contains("0.7500", html);
        // the metrics to visualize pick the same queries here: one grid, titled with all of them
        var grids = Count(html, "class=\"oml-retrieval\"");
        var groups = Oml.Views.WorstQueryGroup.Of(_metrics, _metrics.MetricsToVisualize, 5);
        Assert.Equal(groups.Count, grids);
        Assert.True(groups.Count < _metrics.MetricsToVisualize.Count, "expected metrics with the same worst queries to share a grid");
        Assert.Contains("last validation (epoch 3): 5 worst queries by " + string.Join(", ", groups[0].Metrics), System.Net.WebUtility.HtmlDecode(html));
        Assert.True(Count(html, "data:image/jpeg;base64,") > 0);
        Assert.Contains("2 epoch(s), Completed", text);
        Assert.Contains("cmc/1", text);
        Assert.Contains("0.7500", text);
    }

    [Fact]
    public void A_prediction_on_a_dataframe_shows_its_embeddings_coloured_by_label_with_label_and_path_on_hover()
    {
        var data = Enumerable.Range(0, 12).SelectMany(i => new[] { i % 3 * 1f, i * 0.1f, 1f }).ToArray();
        var result = new PredictionRunResult(12, 3, _directory.File("embeddings.npy"), _directory.File("paths.csv"), _directory.File("predictions.json"), 0.5)
        {
            Embeddings = data,
            Paths = Enumerable.Range(0, 12).Select(i => $"images/{i}.jpg").ToArray(),
            Labels = Enumerable.Range(0, 12).Select(i => (long)(i % 3)).ToArray(),
        };
        var (html, text) = Format(result);

        Assert.Contains("<svg", html);
        Assert.Equal(12, Count(html, "r=\"2.5\""));
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(html, "<circle cx=\"[^\"]+\" cy=\"[^\"]+\" r=\"2.5\" fill=\"(#[0-9a-f]+)\"")
            .Select(m => m.Groups[1].Value).Distinct().Count());
        Assert.Contains("label 2 images/5.jpg", html);
        Assert.Contains("12 embeddings of size 3", text);

        var (bare, bareText) = Format(result with { Embeddings = [], Paths = [], Labels = null });
        Assert.Contains("12 embeddings of size 3", bare);
        Assert.DoesNotContain("<svg", bare);
        Assert.Contains("12 embeddings of size 3", bareText);
    }

    [Fact]
    public void Views_and_embedding_matrices_render_through_the_registered_formatters()
    {
        var (view, viewText) = Format(new DatasetView(_frame, labelsPerSplit: 2));
        Assert.Contains("oml-dataset", view);
        Assert.Contains("validation", viewText);

        using var embeddings = randn(20, 4);
        var (tensorHtml, tensorText) = Format(embeddings);
        Assert.Contains("tensor [20, 4]", tensorHtml);
        Assert.Equal(20, Count(tensorHtml, "r=\"2.5\""));
        Assert.Contains("shape", tensorText);
        using var scalar = tensor(3.5f);
        Assert.Contains("tensor []", Formatter.ToDisplayString(scalar, HtmlFormatter.MimeType));

        var (array, _) = Format(new NpyArray(Enumerable.Range(0, 30).Select(i => (float)i).ToArray(), 10, 3));
        Assert.Equal(10, Count(array, "r=\"2.5\""));
    }

    [Fact]
    public async Task A_value_returned_from_a_cell_is_formatted_as_html_and_text()
    {
        await ((Microsoft.DotNet.Interactive.CSharp.CSharpKernel)_kernel.FindKernelByName("csharp")!).SetValueAsync("m", _metrics, typeof(EmbeddingMetricsResult));

        var result = await _kernel.SubmitCodeAsync("m");

        result.AssertSucceeded();
        var produced = Assert.Single(result.Events.OfType<ReturnValueProduced>());
        Assert.Contains("cmc/1", produced.FormattedValues.Single(v => v.MimeType == HtmlFormatter.MimeType).Value);
    }

    [Fact]
    public void An_onnx_export_shows_its_signature_check_and_metadata_with_the_mean_image_summarised()
    {
        var meanImage = Convert.ToBase64String(new byte[3 * 4 * 4 * sizeof(float)]);
        var export = new Oml.Onnx.OnnxExportResult
        {
            Path = "out/model.onnx", Bytes = 3 * 1048576, Opset = 17, Architecture = "resnet18_mlnet, average pooling",
            InputName = "images", InputShape = ["batch", "3", "4", "4"], OutputName = "embeddings", OutputShape = ["batch", "512"],
            Metadata = new Dictionary<string, string> { ["transform"] = "norm_resize_mlnet", ["channel_order"] = "BGR", ["mean"] = "mean_image", ["mean_image"] = meanImage },
            MaxAbsDifference = 1.7e-5, Tolerance = 1e-4, LargestFeature = 0.5, CheckedBatchSizes = [1, 3], CheckImages = "3 mock-dataset images", Seconds = 2,
            Notes = ["a note"],
        };
        var (html, text) = Format(export);

        Assert.Contains("oml-onnx-export", html);
        Assert.Contains("ONNX model out/model.onnx: resnet18_mlnet, average pooling, 3.0 MB, opset 17", html);
        Assert.Contains("ONNX Runtime matches TorchSharp within 1.7E-05 (max abs, 0.0001 allowed, features up to 0.5) on 3 mock-dataset images at batch sizes 1 and 3", html);
        Assert.Contains("images [batch, 3, 4, 4] float32", html);
        Assert.Contains("norm_resize_mlnet", html);
        Assert.Contains("48 float32 values (base64", html);
        Assert.DoesNotContain(meanImage, html);
        Assert.Contains("note: a note", text);
        Assert.Contains("channel_order", text);
        Assert.Contains("BGR", text);
    }

    [Fact]
    public async Task An_export_called_in_a_cell_renders_through_the_formatter()
    {
        var path = _directory.File("cell.onnx").Replace("\\", "\\\\", StringComparison.Ordinal);
        var result = await _kernel.SubmitCodeAsync($$"""
            var spec = new Oml.Models.ResnetSpec(Oml.Models.ResnetBlockKind.Basic, new[] { 1, 1 }, new[] { 4, 8 });
            Oml.Onnx.OnnxExport.Export(new Oml.Models.ResnetExtractor(spec), "{{path}}", new Oml.Onnx.OnnxExportOptions { ImageSize = 32 })
            """);

        result.AssertSucceeded();
        var produced = Assert.Single(result.Events.OfType<ReturnValueProduced>());
        var html = produced.FormattedValues.Single(v => v.MimeType == HtmlFormatter.MimeType).Value;
        Assert.Contains("oml-onnx-export", html);
        Assert.Contains("ONNX Runtime matches TorchSharp within", html);
        Assert.Contains("input_height", html);
        Assert.True(File.Exists(_directory.File("cell.onnx")));
    }

    public void Dispose()
    {
        _kernel.Dispose();
        _directory.Dispose();
        Formatter.ResetToDefault();
    }
}
