using System.Globalization;
using System.Text;
using Oml.Onnx;
using Oml.Visualization;

namespace Oml.Views;

/// <summary>
/// An ONNX export: where it was written, its signature, what ONNX Runtime's check found, and the metadata that says
/// how to prepare images (a mean image is summarised, not printed).
/// </summary>
public sealed class OnnxExportView(OnnxExportResult result) : IView
{
    private readonly OnnxExportResult _result = result ?? throw new ArgumentNullException(nameof(result));

    public string Headline => string.Create(CultureInfo.InvariantCulture,
        $"ONNX model {_result.Path}: {_result.Architecture}, {_result.Bytes / 1048576.0:0.0} MB, opset {_result.Opset}");

    public string Check => string.Create(CultureInfo.InvariantCulture,
        $"ONNX Runtime matches TorchSharp within {_result.MaxAbsDifference:G3} (max abs, {_result.AllowedDifference:G3} allowed, features up to {_result.LargestFeature:G3}) on {_result.CheckImages} at batch sizes {string.Join(" and ", _result.CheckedBatchSizes)}");

    /// <summary>The rows of the table: signature, then every metadata entry.</summary>
    public IReadOnlyList<(string Name, string Value)> Lines()
    {
        var lines = new List<(string, string)>
        {
            ("input", $"{_result.InputName} [{string.Join(", ", _result.InputShape)}] float32"),
            ("output", $"{_result.OutputName} [{string.Join(", ", _result.OutputShape)}] float32"),
        };
        foreach (var (key, value) in _result.Metadata) lines.Add((key, key == OnnxMetadataKeys.MeanImage ? MeanImageSummary(value) : value));
        return lines;
    }

    public string ToHtml()
    {
        var html = ViewHtml.OpenView(new StringBuilder(), "oml-onnx-export", null);
        html.Append("<div style=\"margin:2px 0\">").Append(ViewHtml.Escape(Headline)).Append("</div>\n");
        html.Append("<div style=\"margin:2px 0\">").Append(ViewHtml.Escape(Check)).Append("</div>\n");
        foreach (var note in _result.Notes) html.Append("<div style=\"margin:2px 0;color:#666\">note: ").Append(ViewHtml.Escape(note)).Append("</div>\n");
        ViewHtml.KeyValueTable(html, Lines());
        return html.Append("</div>\n").ToString();
    }

    public override string ToString()
    {
        var text = new StringBuilder().Append(Headline).Append('\n').Append(Check).Append('\n');
        foreach (var note in _result.Notes) text.Append("note: ").Append(note).Append('\n');
        var width = Lines().Max(l => l.Name.Length);
        foreach (var (name, value) in Lines()) text.Append(name.PadRight(width)).Append("  ").Append(value).Append('\n');
        return text.ToString();
    }

    private static string MeanImageSummary(string base64) => string.Create(CultureInfo.InvariantCulture,
        $"{base64.Length * 3 / 4 / sizeof(float)} float32 values (base64, {base64.Length} characters)");
}
