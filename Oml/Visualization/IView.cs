namespace Oml.Visualization;

/// <summary>
/// A view: an object that holds the data it shows and renders itself as self-contained HTML (inline SVG and PNG, no
/// scripts, no external resources) and as plain text (<see cref="object.ToString"/>). Notebook front ends register one
/// formatter for every view; a program can write <see cref="ToHtml"/> into a report.
/// </summary>
public interface IView
{
    /// <summary>The view as an HTML fragment (a <c>div</c>), safe to embed in a page.</summary>
    string ToHtml();
}
