using System.Globalization;
using System.Text;
using Oml.Pipelines;
using Oml.Visualization;

namespace Oml.Views;

/// <summary>
/// Embeddings computed by <c>oml predict</c>: where they were written, their shape and norms, and a 2-D map coloured by
/// label (when the input was a dataframe) with the label and image of each point as its tooltip.
/// </summary>
public sealed class PredictionView : IView
{
    private readonly PredictionRunResult _run;

    public PredictionView(PredictionRunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        _run = run;
    }

    public string Headline => string.Create(CultureInfo.InvariantCulture,
        $"{_run.Images} embeddings of size {_run.Dimensions} in {_run.Seconds:0.0} s: {_run.EmbeddingsPath}");

    public string ToHtml()
    {
        var html = ViewHtml.OpenView(new StringBuilder(), "oml-prediction", null);
        html.Append("<div style=\"margin:2px 0\">").Append(ViewHtml.Escape(Headline)).Append("</div>\n");
        if (Embeddings() is { } view) html.Append(view.ToHtml());
        return html.Append("</div>\n").ToString();
    }

    public override string ToString() => Headline + "\n" + (Embeddings()?.ToString() ?? "");

    /// <summary>The embeddings' view, or null when the result does not hold them.</summary>
    public EmbeddingsView? Embeddings() =>
        _run.Embeddings.Length == 0 || _run.Embeddings.Length != _run.Images * _run.Dimensions
            ? null
            : new EmbeddingsView(_run.Embeddings, _run.Images, _run.Dimensions, _run.Labels,
                _run.Paths.Count == _run.Images ? _run.Paths : null, title: _run.Labels is null ? "embeddings" : "embeddings, coloured by label");
}
