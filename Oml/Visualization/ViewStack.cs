using System.Text;

namespace Oml.Visualization;

/// <summary>Several views shown one after another as one output (e.g. the worst queries of every category).</summary>
public sealed class ViewStack : IView
{
    public ViewStack(IEnumerable<IView> views, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(views);
        Views = views.ToArray();
        Title = title;
    }

    public IReadOnlyList<IView> Views { get; }

    public string? Title { get; }

    public string ToHtml()
    {
        var html = ViewHtml.OpenView(new StringBuilder(), "oml-views", Title);
        foreach (var view in Views) html.Append(view.ToHtml());
        return html.Append("</div>\n").ToString();
    }

    public override string ToString() =>
        (Title is null ? "" : Title + "\n") + string.Join("\n", Views.Select(v => v.ToString()));
}
