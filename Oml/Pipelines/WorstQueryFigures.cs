using Oml.Data;
using Oml.IO;
using Oml.Metrics;
using Oml.Visualization;

namespace Oml.Pipelines;

/// <summary>
/// Writes OML's worst-query figures (docs/oml-metrics.md §7: the 5 lowest-scoring queries of each metric to visualise, with their top 5
/// results and 2 ground-truth items) as PNG files named after OML's figure titles.
/// </summary>
public static class WorstQueryFigures
{
    /// <returns>The files written, in <see cref="EmbeddingMetricsResult.MetricsToVisualize"/> order.</returns>
    public static IReadOnlyList<string> Write(EmbeddingMetricsResult result, DatasetFrame frame, string directory)
    {
        OutputLocation.CreateFolder(directory);
        // each figure decodes its images and encodes a PNG on its own: render them on all cores, write them in order
        var rendered = RetrievalRows.WorstQueriesPerMetric(result, frame).ToArray()
            .AsParallel().AsOrdered().WithDegreeOfParallelism(Environment.ProcessorCount)
            .Select(figure => (File: Path.Combine(directory, figure.Title.Replace(' ', '_') + ".png"), Png: RetrievalGridImage.RenderPng(figure.Rows, title: figure.Title)))
            .ToArray();
        foreach (var (file, png) in rendered) AtomicFile.WriteAllBytes(file, png);
        return rendered.Select(r => r.File).ToArray();
    }
}
