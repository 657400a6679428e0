namespace Oml.Data.Sources;

/// <summary>
/// Size of the generated mock dataset. <see cref="Classes"/> shapes (the first half train, the second half
/// validation), <see cref="PerClass"/> JPEG images of <see cref="Size"/> x <see cref="Size"/> pixels each.
/// The same <see cref="Seed"/> gives byte-identical files.
/// </summary>
public sealed record MockDatasetOptions
{
    public const int MinClasses = 4;
    public const int MinPerClass = 2;
    public const int MaxPerClass = 10_000;
    public const int MinSize = 32;
    public const int MaxSize = 1024;

    /// <summary>How many distinct shape classes the generator can draw.</summary>
    public static int MaxClasses => MockShapeCatalog.Classes.Count;

    public int Classes { get; init; } = 8;

    public int PerClass { get; init; } = 12;

    public int Size { get; init; } = 64;

    public int Seed { get; init; }

    /// <summary>Throws <see cref="OmlException"/> listing every option that is out of range.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (Classes < MinClasses || Classes > MaxClasses)
        {
            problems.Add($"classes = {Classes}: must be between {MinClasses} and {MaxClasses} " +
                         "(half of the classes go to train, half to validation, at least 2 each)");
        }
        if (PerClass < MinPerClass || PerClass > MaxPerClass)
        {
            problems.Add($"per_class = {PerClass}: must be between {MinPerClass} and {MaxPerClass} " +
                         "(samplers and retrieval need at least 2 images of a class)");
        }
        if (Size < MinSize || Size > MaxSize)
        {
            problems.Add($"size = {Size}: must be between {MinSize} and {MaxSize} pixels");
        }
        if (problems.Count > 0)
        {
            throw new OmlException("Invalid mock dataset options: " + string.Join("; ", problems), problems);
        }
    }
}
