using Microsoft.DotNet.Interactive.Formatting;
using Oml.Data;
using Oml.Metrics;
using Oml.Pipelines;

namespace Oml.Interactive;

/// <summary>text/html and text/plain formatters for Oml's results (Formatter is process-global: registering again replaces).</summary>
public static class OmlFormatters
{
    public static void Register()
    {
        Add<HtmlFragment>(f => f);
        Add<DatasetFrame>(Views.Dataset);
        Add<TrainingRun>(Views.Training);
        Add<TrainRunResult>(r => Views.Training(new TrainingRun(r, [], [])));
        Add<ValidationRunResult>(Views.Validation);
        Add<EmbeddingMetricsResult>(r => Views.Metrics(r.Metrics, "metrics"));
        Add<PredictionRun>(Views.Prediction);
        Add<PredictionRunResult>(r => Views.Prediction(new PredictionRun(r, null, [])));
    }

    private static void Add<T>(Func<T, HtmlFragment> view)
    {
        Formatter.Register<T>((value, writer) => writer.Write(view(value).Html), HtmlFormatter.MimeType);
        Formatter.Register<T>((value, writer) => writer.Write(view(value).Text), PlainTextFormatter.MimeType);
    }
}
