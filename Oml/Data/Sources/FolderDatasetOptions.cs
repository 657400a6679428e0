namespace Oml.Data.Sources;

/// <summary>How <see cref="FolderDatasetImporter"/> splits the classes of a class-per-folder tree.</summary>
public sealed record FolderDatasetOptions
{
    /// <summary>Share of the classes that go to the validation split (rounded to a whole number of classes).</summary>
    public double ValidationClassFraction { get; init; } = 0.5;

    /// <summary>Seed of the shuffle that picks the validation classes.</summary>
    public int Seed { get; init; }

    public void Validate()
    {
        if (!(ValidationClassFraction > 0 && ValidationClassFraction < 1))
        {
            throw new OmlException(
                $"val-classes = {ValidationClassFraction}: must be a fraction strictly between 0 and 1 (e.g. 0.5 puts half of the classes in validation)");
        }
    }
}
