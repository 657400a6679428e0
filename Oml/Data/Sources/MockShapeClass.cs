namespace Oml.Data.Sources;

/// <summary>One class of the mock dataset: a shape family, optionally with an inner mark, and its category.</summary>
internal sealed record MockShapeClass(string Family, MockShapeMark Mark, string Category)
{
    public string Name => Mark == MockShapeMark.None ? Family : $"{Family}-{MockShapeCatalog.MarkName(Mark)}";
}
