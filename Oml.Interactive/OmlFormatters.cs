using Microsoft.DotNet.Interactive.Formatting;
using Oml.Analysis;
using Oml.Data;
using Oml.IO;
using Oml.Metrics;
using Oml.Pipelines;
using Oml.Views;
using Oml.Visualization;
using TorchSharp;

namespace Oml.Interactive;

/// <summary>
/// text/html and text/plain formatters: every <see cref="IView"/> renders itself, and each result type shows its view
/// (a dataset, a training run, a validation, predicted embeddings, an ONNX export, metrics, an embedding matrix). Formatter is
/// process-global: registering again replaces.
/// </summary>
public static class OmlFormatters
{
    public static void Register()
    {
        Add<IView>(v => v);
        Add<DatasetFrame>(f => new DatasetView(f));
        Add<TrainRunResult>(r => new TrainingView(r));
        Add<ValidationRunResult>(r => new ValidationView(r));
        Add<PredictionRunResult>(r => new PredictionView(r));
        Add<Oml.Onnx.OnnxExportResult>(r => new OnnxExportView(r));
        Add<EmbeddingMetricsResult>(r => new MetricsView(r.Metrics, "metrics"));
        // after Microsoft.Data.Analysis's own formatter (its extension loads first): 4 significant digits, every row shown static
        Add<Microsoft.Data.Analysis.DataFrame>(f => new Oml.Analysis.DataFrameView(f));
        Add<IEnumerable<Oml.Training.EpochRecord>>(h => new Oml.Analysis.DataFrameView(h.ToArray().ToDataFrame(), title: "training history"));
        Add<NpyArray>(a => new EmbeddingsView(a.Data, a.Rows, a.Columns, title: $"array {a.Rows} x {a.Columns}"));
        Formatter.Register<torch.Tensor>((tensor, writer) => writer.Write(TensorView(tensor)?.ToHtml() ?? System.Net.WebUtility.HtmlEncode(Describe(tensor))), HtmlFormatter.MimeType);
        Formatter.Register<torch.Tensor>((tensor, writer) => writer.Write(TensorView(tensor)?.ToString() ?? Describe(tensor)), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(torch.Tensor), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
        PlotlyFormatters.Register();
    }

    private static void Add<T>(Func<T, IView> view)
    {
        Formatter.Register<T>((value, writer) => writer.Write(view(value).ToHtml()), HtmlFormatter.MimeType);
        Formatter.Register<T>((value, writer) => writer.Write(view(value).ToString()), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(T), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
    }

    /// <summary>A floating-point <c>[N, D]</c> tensor is a set of embeddings: shape, norms and a 2-D map.</summary>
    private static EmbeddingsView? TensorView(torch.Tensor tensor) =>
        tensor.IsInvalid || tensor.dim() != 2 || !tensor.is_floating_point() || tensor.shape[0] == 0 || tensor.shape[1] == 0
            ? null
            : new EmbeddingsView(tensor, title: $"tensor [{tensor.shape[0]}, {tensor.shape[1]}] ({tensor.dtype}, {tensor.device})");

    private static string Describe(torch.Tensor tensor) =>
        tensor.IsInvalid ? "a disposed tensor" : $"tensor [{string.Join(", ", tensor.shape)}] ({tensor.dtype}, {tensor.device})";
}
