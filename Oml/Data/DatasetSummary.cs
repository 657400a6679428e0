using System.Text;

namespace Oml.Data;

/// <summary>The numbers <c>oml dataset check</c> prints and the notebook view shows.</summary>
public sealed record DatasetSummary(
    int Rows,
    int TrainRows,
    int ValidationRows,
    LabelCountStats TrainImagesPerLabel,
    LabelCountStats ValidationImagesPerLabel,
    int Queries,
    int Galleries,
    int QueriesAlsoGalleries,
    IReadOnlyList<string> Categories,
    int RowsWithBox,
    int Sequences)
{
    public static DatasetSummary Of(DatasetFrame frame)
    {
        var validation = frame.Validation;
        return new DatasetSummary(
            frame.Rows.Count,
            frame.Train.Count,
            validation.Count,
            LabelCountStats.Of(frame.Train.Select(r => r.Label)),
            LabelCountStats.Of(validation.Select(r => r.Label)),
            validation.Count(r => r.IsQuery == true),
            validation.Count(r => r.IsGallery == true),
            validation.Count(r => r.IsQuery == true && r.IsGallery == true),
            frame.Rows.Where(r => r.Category is not null).Select(r => r.Category!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
            frame.Rows.Count(r => r.Box is not null),
            frame.Rows.Where(r => r.Sequence is not null).Select(r => r.Sequence!).Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>Label / value pairs in display order.</summary>
    public IEnumerable<(string Name, string Value)> Lines()
    {
        yield return ("rows", Rows.ToString());
        yield return ("train rows / labels", $"{TrainRows} / {TrainImagesPerLabel.Labels}");
        yield return ("validation rows / labels", $"{ValidationRows} / {ValidationImagesPerLabel.Labels}");
        yield return ("queries / galleries (both)", $"{Queries} / {Galleries} ({QueriesAlsoGalleries})");
        yield return ("train images per label min / median / max", TrainImagesPerLabel.ToString());
        yield return ("validation images per label min / median / max", ValidationImagesPerLabel.ToString());
        yield return ("categories", Categories.Count == 0 ? "-" : $"{Categories.Count}: {string.Join(", ", Categories.Take(12))}{(Categories.Count > 12 ? ", ..." : "")}");
        yield return ("rows with a box", RowsWithBox.ToString());
        yield return ("sequences", Sequences == 0 ? "-" : Sequences.ToString());
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        var width = Lines().Max(l => l.Name.Length);
        foreach (var (name, value) in Lines()) text.Append(name.PadRight(width)).Append("  ").Append(value).Append('\n');
        return text.ToString();
    }
}
