using System.Text;
using Oml.Data;
using Oml.Pipelines;
using Oml.Pipelines.Events;
using Oml.Training;
using Oml.Visualization;

namespace Oml.Interactive;

/// <summary>Pre-rendered HTML plus a plain-text alternative; the extension registers formatters for both MIME types.</summary>
public sealed record HtmlFragment(string Html, string Text)
{
    public override string ToString() => Text;
}
